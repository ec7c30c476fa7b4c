/**
 * OCR with Tesseract (JavaCV's {@code org.bytedeco:tesseract} preset) and the English LSTM data the
 * build bundles: image pre-processing ({@link io.fusionline.multimodal.ocr.OcrPreprocessor}), the
 * engine wrapper ({@link io.fusionline.multimodal.ocr.TextRecognizer}) and text clean-up ({@link
 * io.fusionline.multimodal.ocr.OcrText}).
 */
package io.fusionline.multimodal.ocr;
