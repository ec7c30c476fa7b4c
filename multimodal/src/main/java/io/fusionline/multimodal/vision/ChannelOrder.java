package io.fusionline.multimodal.vision;

/** Channel order a model expects. */
public enum ChannelOrder {
    RGB,
    BGR
}
