/**
 * Text modality: tokenization and the keyword baseline that turns operator notes, machine logs and
 * transaction descriptions into a label and a score.
 */
package io.fusionline.multimodal.text;
