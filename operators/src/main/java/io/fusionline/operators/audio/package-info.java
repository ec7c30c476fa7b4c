/** Speech recognition over audio chunks: ordering, per-source recognizers, replay on restore. */
package io.fusionline.operators.audio;
