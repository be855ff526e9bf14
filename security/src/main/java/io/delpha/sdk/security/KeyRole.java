package io.delpha.sdk.security;

/** What an access key unlocks. */
public enum KeyRole {
  /** The single administrator key: every statement on every keyspace. */
  ADMIN,
  /** A key bound to one organisation: statements on that organisation's keyspaces only. */
  ORG
}
