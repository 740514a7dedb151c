package io.nglive.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageTest {

    @Test
    void withoutParametersTheFirstHundred() {
        assertThat(Page.of(null, null)).isEqualTo(new Page(100, 0));
        assertThat(Page.of(" ", "")).isEqualTo(new Page(100, 0));
    }

    @Test
    void aLimitFromOneToAThousandAndAnyOffsetFromZero() {
        assertThat(Page.of("1", "0")).isEqualTo(new Page(1, 0));
        assertThat(Page.of(" 1000 ", "2147483647")).isEqualTo(new Page(1000, Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0    | 0  | limit must be a whole number from 1 to 1000, not '0'",
            "1001 | 0  | limit must be a whole number from 1 to 1000, not '1001'",
            "-1   | 0  | limit must be a whole number from 1 to 1000",
            "ten  | 0  | limit must be a whole number from 1 to 1000, not 'ten'",
            "10   | -1 | offset must be a whole number from 0 to 2147483647, not '-1'",
            "10   | 1e3| offset must be a whole number from 0 to 2147483647",
            "10   | 99999999999 | offset must be a whole number"})
    void anythingElseIsRefusedNamingTheParameter(String limit, String offset, String message) {
        assertThatThrownBy(() -> Page.of(limit, offset)).isInstanceOf(ApiError.class).hasMessageContaining(message)
                .satisfies(e -> {
                    assertThat(((ApiError) e).getStatus()).isEqualTo(400);
                    assertThat(((ApiError) e).getCode()).isEqualTo(4002);
                });
    }
}
