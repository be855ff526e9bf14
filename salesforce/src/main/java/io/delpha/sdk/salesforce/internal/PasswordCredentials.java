package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.Secret;

/**
 * What the OAuth username-password flow sends.
 *
 * @param clientId the connected app's consumer key
 * @param clientSecret the connected app's consumer secret
 * @param username the Salesforce user name
 * @param password the user's password
 * @param securityToken the user's security token, empty when the org trusts the caller's IP
 */
public record PasswordCredentials(
    String clientId, Secret clientSecret, String username, Secret password, Secret securityToken) {}
