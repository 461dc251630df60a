package dev.prefwork.app.ui;

import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Reading JavaFX state from the test thread, and waiting for background work, without sleeps. */
public abstract class FxTestSupport extends FxRobot {

    /** Runs {@code c} on the FX thread and returns its value. */
    protected static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits (up to 20 s) until {@code condition}, evaluated on the FX thread, holds. */
    protected static void until(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> fx(condition));
        } catch (Exception e) {
            throw new AssertionError("condition not met in 20 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
