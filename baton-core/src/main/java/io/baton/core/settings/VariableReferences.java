package io.baton.core.settings;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Replaces references to cluster-wide variables in a property value. {@code ${NAME}} stands for the value of
 * variable NAME, and {@code $${} for a literal {@code ${}. A variable's value is inserted as it is: references in
 * it are not expanded again, so a value can never loop.
 */
public final class VariableReferences {

    private VariableReferences() {
    }

    /** A reference to a variable that is not defined, or that is a secret not set on this cluster. */
    public static final class UnresolvedException extends Exception {
        private final String variable;

        UnresolvedException(String variable, String message) {
            super(message);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    /**
     * Returns {@code text} with every reference replaced.
     *
     * @throws UnresolvedException naming the first variable that is not defined, or a reference that is not closed
     */
    public static String expand(String text, Map<String, Setting> variables) throws UnresolvedException {
        return substitute(text, name -> valueOf(name, variables));
    }

    /** Returns the names of the variables {@code text} refers to, in order of first use, up to a reference that is not closed. */
    public static Set<String> referenced(String text) {
        Set<String> names = new LinkedHashSet<>();
        try {
            substitute(text, name -> {
                names.add(name);
                return "";
            });
        } catch (UnresolvedException e) {
            // An unclosed reference ends the list; expand() reports it when the service starts.
        }
        return names;
    }

    private interface Lookup {
        String valueOf(String name) throws UnresolvedException;
    }

    private static String substitute(String text, Lookup lookup) throws UnresolvedException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new UnresolvedException(null, "a '${' is not closed by '}'; write $${ for a literal ${");
                }
                out.append(lookup.valueOf(text.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    private static String valueOf(String name, Map<String, Setting> variables) throws UnresolvedException {
        Setting v = variables.get(name);
        if (v == null) {
            throw new UnresolvedException(name, "variable ${" + name + "} is not defined; define it with: baton variables --set "
                    + name + "=VALUE (or --secret " + name + "), or write $${ for a literal ${");
        }
        if (!v.isSet()) {
            throw new UnresolvedException(name, "variable ${" + name + "} is a secret that is not set on this cluster; set it with:"
                    + " baton variables --secret " + name);
        }
        return v.value();
    }
}
