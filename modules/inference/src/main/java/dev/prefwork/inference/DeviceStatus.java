package dev.prefwork.inference;

/**
 * The device a model actually runs on, next to the one the setting asked for. When a GPU was asked for and
 * could not be used, {@link #message()} says why and what to do, in words the UI shows as they are.
 */
public record DeviceStatus(DeviceChoice requested, DeviceChoice used, String message) {

    public static DeviceStatus cpu() {
        return new DeviceStatus(DeviceChoice.CPU, DeviceChoice.CPU, "Running on the CPU.");
    }

    /** True when the model runs on the CPU although the GPU was asked for. */
    public boolean fellBack() {
        return requested != used;
    }
}
