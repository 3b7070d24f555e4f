package io.baton.core.auth;

/**
 * A user of the management API, as stored in the users file.
 *
 * @param createdAt ISO-8601 instant
 */
public record UserAccount(String name, Role role, PasswordHash password, String createdAt) {
}
