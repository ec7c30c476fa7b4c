/**
 * The factory-line world: procedural images of machined plates with defects and their masks ({@link
 * io.fusionline.simulation.inspection.PartRenderer}).
 */
package io.fusionline.simulation.inspection;
