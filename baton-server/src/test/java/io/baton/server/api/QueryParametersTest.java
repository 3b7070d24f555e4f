package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.server.api.ApiServer.ApiException;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void absentOrBlankGivesDefault() {
        assertThat(QueryParameters.wholeNumber("limit", null, 20, 1, 10_000)).isEqualTo(20);
        assertThat(QueryParameters.wholeNumber("limit", " ", 20, 1, 10_000)).isEqualTo(20);
        assertThat(QueryParameters.wholeNumber("limit", " 7 ", 20, 1, 10_000)).isEqualTo(7);
    }

    @Test
    void outOfRangeNamesParameterAndRange() {
        for (String text : new String[] {"-1", "0", "10001", "many", "1.5", "99999999999"}) {
            assertThatThrownBy(() -> QueryParameters.wholeNumber("limit", text, 20, 1, 10_000)).as("limit=" + text)
                    .isInstanceOf(ApiException.class)
                    .hasMessage("invalid limit '" + text + "': expected a whole number from 1 to 10000")
                    .extracting(e -> ((ApiException) e).field()).isEqualTo("limit");
        }
    }
}
