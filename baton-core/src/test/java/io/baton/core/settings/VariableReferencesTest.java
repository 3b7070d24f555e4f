package io.baton.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableReferencesTest {

    private static final Map<String, Setting> VARIABLES = Map.of(
            "HOST", Setting.plain("db.example"),
            "PORT", Setting.plain("5432"),
            "TOKEN", Setting.secret("s3cr3t-value"),
            "LOOP", Setting.plain("${HOST}"),
            "REQUIRED", new Setting(null, true));

    @Test
    void referencesAreReplaced() throws Exception {
        assertThat(VariableReferences.expand("jdbc://${HOST}:${PORT}/x", VARIABLES)).isEqualTo("jdbc://db.example:5432/x");
    }

    @Test
    void secretVariableIsExpanded() throws Exception {
        assertThat(VariableReferences.expand("Bearer ${TOKEN}", VARIABLES)).isEqualTo("Bearer s3cr3t-value");
    }

    @Test
    void doubledDollarIsLiteral() throws Exception {
        assertThat(VariableReferences.expand("cost $${HOST} and $5", VARIABLES)).isEqualTo("cost ${HOST} and $5");
    }

    @Test
    void valueIsNotExpandedAgain() throws Exception {
        assertThat(VariableReferences.expand("${LOOP}", VARIABLES)).isEqualTo("${HOST}");
    }

    @Test
    void textWithoutReferenceIsUnchanged() throws Exception {
        assertThat(VariableReferences.expand("plain {name} $ text", VARIABLES)).isEqualTo("plain {name} $ text");
    }

    @Test
    void unknownVariableIsNamed() {
        var e = assertThrows(VariableReferences.UnresolvedException.class, () -> VariableReferences.expand("${NOPE}", VARIABLES));
        assertThat(e.variable()).isEqualTo("NOPE");
        assertThat(e.getMessage()).contains("${NOPE}").contains("baton variables --set NOPE=");
    }

    @Test
    void unsetSecretVariableIsNamed() {
        var e = assertThrows(VariableReferences.UnresolvedException.class, () -> VariableReferences.expand("${REQUIRED}", VARIABLES));
        assertThat(e.variable()).isEqualTo("REQUIRED");
        assertThat(e.getMessage()).contains("baton variables --secret REQUIRED");
    }

    @Test
    void unclosedReferenceIsRejected() {
        var e = assertThrows(VariableReferences.UnresolvedException.class, () -> VariableReferences.expand("a ${HOST", VARIABLES));
        assertThat(e.getMessage()).contains("not closed").contains("$${");
    }

    @Test
    void referencedListsNamesInOrder() {
        assertThat(VariableReferences.referenced("${B}-${A}-$${C}-${B}")).containsExactly("B", "A");
    }
}
