/** Metric reporters for fusionline's local runtimes. */
package io.fusionline.runtime.metrics;
