package dev.prefwork.training;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricStreamTest {

    @Test
    void metricEventAndTextLines() {
        var m = MetricStream.parse("{\"loss\": 0.69, \"rewards/chosen\": 0.0, \"grad_norm\": null, \"epoch\": 0.5, \"step\": 3}", 7);
        assertThat(m).isInstanceOfSatisfying(MetricStream.Metric.class, x -> {
            assertThat(x.point().seq()).isEqualTo(7);
            assertThat(x.point().step()).isEqualTo(3);
            assertThat(x.point().epoch()).isEqualTo(0.5);
            assertThat(x.point().eval()).isFalse();
            assertThat(x.point().get("loss")).isEqualTo(0.69);
            assertThat(x.point().get("grad_norm")).isNaN();   // null: not a number
        });
        assertThat(MetricStream.parse("{\"eval_loss\": 0.5, \"step\": 3}", 0))
                .isInstanceOfSatisfying(MetricStream.Metric.class, x -> assertThat(x.point().eval()).isTrue());
        assertThat(MetricStream.parse("{\"event\": \"end\", \"status\": \"finished\"}", 0))
                .isInstanceOfSatisfying(MetricStream.Event.class, e -> {
                    assertThat(e.name()).isEqualTo("end");
                    assertThat(e.text("status")).isEqualTo("finished");
                });
        assertThat(MetricStream.parse("Some weights were not initialized", 0)).isInstanceOf(MetricStream.Text.class);
        assertThat(MetricStream.parse("{broken", 0)).isInstanceOf(MetricStream.Text.class);
        assertThat(MetricStream.parse("{\"no\": \"step\"}", 0)).isInstanceOf(MetricStream.Text.class);
    }
}
