package dev.prefwork.inference;

/** Where ONNX Runtime runs a model: the CPU, or the first CUDA GPU when the GPU build of ONNX Runtime is present. */
public enum DeviceChoice {
    CPU,
    GPU
}
