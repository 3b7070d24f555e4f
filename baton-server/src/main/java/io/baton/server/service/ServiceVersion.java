package io.baton.server.service;

import java.util.Map;

/**
 * The record of one deployed version of a service, stored as {@code version.json} beside its files.
 *
 * @param version number of the version: 1 for the first deploy, one more for each later deploy or rollback
 * @param deployedAt ISO-8601 instant of the deploy
 * @param deployedBy the caller, as in the operator-actions audit: a user or API token name, or {@code api-token} for the holder of the node's own token
 * @param remoteAddress address the call came from; empty for a version adopted from a folder deployed before versions were kept
 * @param rollbackOf the version this one copies when it was made by a rollback, otherwise null
 * @param descriptorSha256 SHA-256 of {@code service.yaml}, lower-case hex
 * @param jarSha256 SHA-256 of each jar in {@code lib/} by file name, lower-case hex
 */
public record ServiceVersion(String service, int version, String deployedAt, String deployedBy, String remoteAddress,
        Integer rollbackOf, String descriptorSha256, Map<String, String> jarSha256) {
}
