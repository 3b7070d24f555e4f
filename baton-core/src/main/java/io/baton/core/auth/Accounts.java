package io.baton.core.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The content of the users file: users and API tokens, each name unique within its list. Changes
 * return a new value and leave this one as it is, so that readers can share it without locks.
 */
public record Accounts(List<UserAccount> users, List<ApiToken> tokens) {

    /** Form of user and token names: they appear in logs and audit records, so no spaces or separators. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public static final Accounts EMPTY = new Accounts(List.of(), List.of());

    public Accounts {
        users = users == null ? List.of() : List.copyOf(users);
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public Optional<UserAccount> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    public Optional<ApiToken> token(String name) {
        return tokens.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Returns the token whose secret has this hash, expired or not. */
    public Optional<ApiToken> tokenWithHash(String secretHash) {
        // Check every token, so that the time taken does not depend on where a match sits.
        ApiToken found = null;
        for (ApiToken t : tokens) {
            if (t.matchesHash(secretHash)) {
                found = t;
            }
        }
        return Optional.ofNullable(found);
    }

    public Accounts withUser(String name, Role role, PasswordHash password, Instant now) {
        checkName(name, "user");
        if (user(name).isPresent()) {
            throw new AccountException(AccountException.Reason.CONFLICT, "name", "user " + name
                    + " already exists; change its password with: baton user passwd " + name);
        }
        List<UserAccount> next = new ArrayList<>(users);
        next.add(new UserAccount(name, role, password, now.toString()));
        return new Accounts(next, tokens);
    }

    public Accounts withPassword(String name, PasswordHash password) {
        UserAccount old = user(name).orElseThrow(() -> userNotFound(name));
        List<UserAccount> next = new ArrayList<>(users);
        next.set(users.indexOf(old), new UserAccount(name, old.role(), password, old.createdAt()));
        return new Accounts(next, tokens);
    }

    public Accounts withoutUser(String name) {
        UserAccount old = user(name).orElseThrow(() -> userNotFound(name));
        List<UserAccount> next = new ArrayList<>(users);
        next.remove(old);
        return new Accounts(next, tokens);
    }

    public Accounts withToken(ApiToken token) {
        checkName(token.name(), "token");
        if (token(token.name()).isPresent()) {
            throw new AccountException(AccountException.Reason.CONFLICT, "name", "token " + token.name()
                    + " already exists; revoke it first with: baton token revoke " + token.name() + ", or choose another name");
        }
        List<ApiToken> next = new ArrayList<>(tokens);
        next.add(token);
        return new Accounts(users, next);
    }

    public Accounts withoutToken(String name) {
        ApiToken old = token(name).orElseThrow(() -> new AccountException(AccountException.Reason.NOT_FOUND, "name",
                "token " + name + " does not exist; list the tokens with: baton token list"));
        List<ApiToken> next = new ArrayList<>(tokens);
        next.remove(old);
        return new Accounts(users, next);
    }

    private static void checkName(String name, String kind) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new AccountException(AccountException.Reason.INVALID, "name", "invalid " + kind + " name '" + name
                    + "': use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
    }

    private static AccountException userNotFound(String name) {
        return new AccountException(AccountException.Reason.NOT_FOUND, "name", "user " + name
                + " does not exist; list the users with: baton user list");
    }
}
