package dev.prefwork.reward.train;

import dev.prefwork.core.Progress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LbfgsTest {

    @Test
    void findsTheMinimumOfRosenbrock() {
        Lbfgs.Objective rosenbrock = (x, g) -> {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        Lbfgs.Result r = Lbfgs.minimize(rosenbrock, new double[]{-1.2, 1}, Lbfgs.Options.defaults(), null);
        assertThat(r.converged()).isTrue();
        assertThat(r.theta()[0]).isCloseTo(1, within(1e-4));
        assertThat(r.theta()[1]).isCloseTo(1, within(1e-4));
    }

    @Test
    void solvesAnIllConditionedQuadratic() {
        double[] c = {3, -2, 0.5, 10};
        double[] a = {1, 100, 0.01, 5};
        Lbfgs.Objective f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - c[i];
                v += 0.5 * a[i] * d * d;
                g[i] = a[i] * d;
            }
            return v;
        };
        Lbfgs.Result r = Lbfgs.minimize(f, new double[4], Lbfgs.Options.defaults().withMaxIterations(500), null);
        for (int i = 0; i < 4; i++) assertThat(r.theta()[i]).isCloseTo(c[i], within(1e-4));
    }

    @Test
    void aListenerCanStopTheFit() {
        Lbfgs.Objective f = (x, g) -> {
            g[0] = 2 * (x[0] - 5);
            return (x[0] - 5) * (x[0] - 5);
        };
        assertThatThrownBy(() -> Lbfgs.minimize(f, new double[]{0}, Lbfgs.Options.defaults(), (it, v) -> {
            throw new Progress.Cancelled();
        })).isInstanceOf(Progress.Cancelled.class);
    }
}
