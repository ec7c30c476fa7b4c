/**
 * The factory-line world: procedural images of machined plates with defects and their masks ({@link
 * io.fusionline.multimodal.world.inspection.PartRenderer}).
 */
package io.fusionline.multimodal.world.inspection;
