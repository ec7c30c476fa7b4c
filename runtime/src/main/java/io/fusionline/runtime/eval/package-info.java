/** Scoring a running job's decisions against a simulated world's ground truth. */
package io.fusionline.runtime.eval;
