package io.baton.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 0 25 * * *        | hour 25 is outside 0-23",
        "0 60 * * * *        | minute 60 is outside 0-59",
        "* * * *             | it has 4 fields",
        "0 0 0 30 2 *        | never matches",
        "0 0 0 31 4,6,9,11 * | never matches",
        "0 0 0 * FOO *       | month 'FOO' is not a number or a name",
        "0 0 10-5 * * *      | range 10-5 runs backwards",
        "0 0 0 * * 8         | day of week 8 is outside 0-7",
        "0 0 0 L * *         | day of month 'L' is not a number",
        "0 */0 * * * *       | minute step 0 is outside 1-59",
        "@often              | unknown macro @often",
        "0 1,,2 * * * *      | minute has an empty list element",
    })
    void invalidExpressionNamesFieldAndValue(String text, String message) {
        assertThatThrownBy(() -> CronExpression.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void fiveFieldsMeanSecondZero() {
        CronExpression cron = CronExpression.parse("30 2 * * *");

        assertThat(cron.nextLocal(LocalDateTime.of(2026, 1, 1, 0, 0))).isEqualTo(LocalDateTime.of(2026, 1, 1, 2, 30, 0));
    }

    @Test
    void stepsListsRangesAndNames() {
        CronExpression cron = CronExpression.parse("0 10-50/20 8,17 * JAN-MAR MON-FRI");

        // 2026-01-03 is a Saturday: the next weekday is Monday the 5th.
        assertThat(cron.nextLocal(LocalDateTime.of(2026, 1, 3, 0, 0))).isEqualTo(LocalDateTime.of(2026, 1, 5, 8, 10));
        assertThat(cron.nextLocal(LocalDateTime.of(2026, 1, 5, 8, 10, 1))).isEqualTo(LocalDateTime.of(2026, 1, 5, 8, 30));
        assertThat(cron.nextLocal(LocalDateTime.of(2026, 1, 5, 8, 50, 1))).isEqualTo(LocalDateTime.of(2026, 1, 5, 17, 10));
        assertThat(cron.nextLocal(LocalDateTime.of(2026, 3, 31, 17, 51))).isEqualTo(LocalDateTime.of(2027, 1, 1, 8, 10));
    }

    @Test
    void sundayIsZeroOrSeven() {
        LocalDateTime saturday = LocalDateTime.of(2026, 12, 5, 12, 0);

        assertThat(CronExpression.parse("0 0 0 * * 0").nextLocal(saturday)).isEqualTo(LocalDateTime.of(2026, 12, 6, 0, 0));
        assertThat(CronExpression.parse("0 0 0 * * 7").nextLocal(saturday)).isEqualTo(LocalDateTime.of(2026, 12, 6, 0, 0));
    }

    @Test
    void restrictedDayOfMonthAndWeekMatchEither() {
        CronExpression cron = CronExpression.parse("0 0 0 13 * FRI");

        // From Saturday 2026-02-14, Friday the 20th comes before the 13th of March.
        assertThat(cron.nextLocal(LocalDateTime.of(2026, 2, 14, 0, 0))).isEqualTo(LocalDateTime.of(2026, 2, 20, 0, 0));
    }

    @Test
    void leapDayFoundYearsAhead() {
        CronExpression cron = CronExpression.parse("0 0 0 29 2 *");

        assertThat(cron.nextLocal(LocalDateTime.of(2025, 3, 1, 0, 0))).isEqualTo(LocalDateTime.of(2028, 2, 29, 0, 0));
    }

    @Test
    void macrosExpand() {
        assertThat(CronExpression.parse("@daily").nextLocal(LocalDateTime.of(2026, 5, 1, 0, 0, 1)))
                .isEqualTo(LocalDateTime.of(2026, 5, 2, 0, 0));
        assertThat(CronExpression.parse("@hourly").everyHour()).isTrue();
        assertThat(CronExpression.parse("0 30 2 * * *").everyHour()).isFalse();
    }
}
