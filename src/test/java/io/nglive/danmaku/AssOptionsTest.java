package io.nglive.danmaku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Options that would give a broken or useless script are refused, naming the option. */
class AssOptionsTest {

    @Test
    void defaultsAreValidAndTakeTheVideosSize() {
        AssOptions options = AssOptions.defaults().withSize(1280, 720);

        assertThat(options.width()).isEqualTo(1280);
        assertThat(options.height()).isEqualTo(720);
        assertThat(options.font()).isEqualTo("Microsoft YaHei");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("danmaku width 0", (Consumer<TestOptions>) o -> o.width = 0),
                Arguments.of("danmaku font Noto,Sans", (Consumer<TestOptions>) o -> o.font = "Noto,Sans"),
                Arguments.of("danmaku font  ", (Consumer<TestOptions>) o -> o.font = " "),
                Arguments.of("danmaku font size 721", (Consumer<TestOptions>) o -> o.fontSize = 721),
                Arguments.of("danmaku opacity 1.5", (Consumer<TestOptions>) o -> o.opacity = 1.5),
                Arguments.of("danmaku scroll seconds 0.5", (Consumer<TestOptions>) o -> o.scrollSeconds = 0.5),
                Arguments.of("danmaku fixed seconds NaN", (Consumer<TestOptions>) o -> o.fixedSeconds = Double.NaN),
                Arguments.of("danmaku max on screen -1", (Consumer<TestOptions>) o -> o.maxOnScreen = -1),
                Arguments.of("danmaku scroll area 0.0", (Consumer<TestOptions>) o -> o.scrollArea = 0),
                Arguments.of("danmaku blocked keywords [a, ]", (Consumer<TestOptions>) o -> o.blockedKeywords = List.of("a", "")),
                Arguments.of("danmaku time shift Infinity", (Consumer<TestOptions>) o -> o.timeShift = Double.POSITIVE_INFINITY));
    }

    @ParameterizedTest
    @MethodSource
    void invalid(String message, Consumer<TestOptions> change) {
        TestOptions options = new TestOptions();
        change.accept(options);

        assertThatThrownBy(options::build).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
