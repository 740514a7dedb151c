package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** When the cover's picture is taken. */
class CoverStageTest {

    @Test
    void secondsOrAShareOfTheLength() {
        assertThat(CoverStage.At.parse("12").seconds(() -> 600)).isEqualTo(12);
        assertThat(CoverStage.At.parse(" 1.5 ").seconds(() -> 600)).isEqualTo(1.5);
        assertThat(CoverStage.At.parse("10%").seconds(() -> 600)).isEqualTo(60);
        assertThat(CoverStage.At.parse("0%").seconds(() -> 600)).isZero();
    }

    @Test
    void anythingElseIsNamedWithTheFormsItCanTake() {
        for (String bad : new String[] {"", "-1", "101%", "abc", "10 min", "NaN"}) {
            assertThatThrownBy(() -> CoverStage.At.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("10%");
        }
    }
}
