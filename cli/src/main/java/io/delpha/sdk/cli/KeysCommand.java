package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.AuditEvent;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.security.KeyInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Organisations' access keys: issue, revoke, rotate the admin key, list, audit. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Access keys: generated here, stored hashed in Cassandra, each bound to one organisation; "
        + "exactly one admin key.", "A secret is printed once, when its key is issued; it cannot be shown again."},
    subcommands = {KeysCommand.Issue.class, KeysCommand.Revoke.class, KeysCommand.RotateAdmin.class,
        KeysCommand.ListKeys.class, KeysCommand.Audit.class, KeysCommand.Assign.class, KeysCommand.Unassign.class})
final class KeysCommand {

  /** Cassandra and the key store's keyspace. */
  static final class Options {
    @Mixin
    CassandraOptions cassandra;

    @Option(names = "--key-store", paramLabel = "KS", defaultValue = "delpha_security",
        description = "The keyspace of keys, assignments and audit (default: ${DEFAULT-VALUE}).")
    String keyStore;

    <T> T withKeys(CommandSpec spec, Function<AccessKeys, T> work) {
      Usage.current(spec);
      // closing the keys before the connection writes their audit rows still in flight
      try (CassandraManager cass = cassandra.connect();
          AccessKeys keys = AccessKeys.on(cass).keyspace(keyStore).build()) {
        return work.apply(keys);
      }
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "Issue a key for ORGANISATION (or the admin key with --admin) and print its secret once.",
      footer = {"", "Example:", "  delpha keys issue acme --valid-for 90d"})
  static final class Issue implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ORGANISATION")
    String organisation;

    @Option(names = "--admin", description = "Issue the one admin key (refused if one exists).")
    boolean admin;

    @Option(names = "--valid-for", paramLabel = "DURATION", converter = Durations.class,
        description = "Expire after this long, e.g. 90d (default: never).")
    Duration validFor;

    @Override
    public Integer call() {
      if (admin == (organisation != null)) {
        Usage.current(spec);
        throw Usage.error("give either ORGANISATION or --admin");
      }
      IssuedKey key = options.withKeys(spec, keys -> admin ? keys.issueAdmin()
          : keys.issue(organisation, validFor == null ? null : Instant.now().plus(validFor)));
      PrintWriter out = spec.commandLine().getOut();
      out.println("key id:       " + key.id());
      out.println("organisation: " + key.organisation());
      out.println("expires:      " + key.expiresAt().map(Instant::toString).orElse("never"));
      out.println("secret:       " + key.secret());
      out.println("The secret is shown only now; it is stored hashed and cannot be recovered.");
      out.flush();
      return Delpha.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "KEY_ID")
    String keyId;

    @Override
    public Integer call() {
      options.withKeys(spec, keys -> {
        keys.revoke(keyId);
        return null;
      });
      spec.commandLine().getOut().println("revoked " + keyId);
      return Delpha.OK;
    }
  }

  @Command(name = "rotate-admin", mixinStandardHelpOptions = true,
      description = "Replace the admin key: the current one (from DELPHA_ADMIN_KEY or asked for) stops working.")
  static final class RotateAdmin implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--admin-key", paramLabel = "KEY", arity = "0..1", interactive = true,
        description = "The current admin key: asked for when given without a value; else from DELPHA_ADMIN_KEY.")
    char[] current;

    @Override
    public Integer call() {
      Usage.current(spec);
      String presented = Passwords.resolve(current, "DELPHA_ADMIN_KEY", "current admin key: ", "--admin-key");
      IssuedKey key = options.withKeys(spec, keys -> keys.rotateAdmin(presented));
      PrintWriter out = spec.commandLine().getOut();
      out.println("new admin key id: " + key.id());
      out.println("secret:           " + key.secret());
      out.println("The secret is shown only now; the previous admin key is revoked.");
      out.flush();
      return Delpha.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every key (never a secret).")
  static final class ListKeys implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Override
    public Integer call() {
      List<KeyInfo> all = options.withKeys(spec, AccessKeys::listKeys);
      Instant now = Instant.now();
      Table t = new Table("KEY ID", "ORGANISATION", "ROLE", "CREATED", "EXPIRES", "STATE");
      for (KeyInfo k : all) {
        t.row(k.keyId(), k.organisation(), k.role().name(), k.createdAt().toString(),
            k.expiresAt() == null ? "never" : k.expiresAt().toString(),
            k.revokedAt() != null ? "revoked " + k.revokedAt() : k.activeAt(now) ? "active" : "expired");
      }
      t.print(spec.commandLine().getOut());
      return Delpha.OK;
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true, description = "Print a day's audit events, oldest first.")
  static final class Audit implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "A UTC day (default: today).")
    LocalDate day;

    @Override
    public Integer call() {
      LocalDate d = day != null ? day : LocalDate.now(ZoneOffset.UTC);
      PrintWriter out = spec.commandLine().getOut();
      long n = options.withKeys(spec, keys -> {
        long count = 0;
        try (Stream<AuditEvent> events = keys.streamAuditEvents(d)) {
          for (AuditEvent e : (Iterable<AuditEvent>) events::iterator) {
            out.printf("%s %-14s %-10s key=%s org=%s %s%n", e.at(), e.action(), e.outcome(), dash(e.keyId()),
                dash(e.organisation()), e.reason());
            count++;
          }
        }
        return count;
      });
      out.println(n + " events on " + d);
      out.flush();
      return Delpha.OK;
    }

    private static String dash(String s) {
      return s == null ? "-" : s;
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true, description = "Let ORGANISATION's keys use KEYSPACE.")
  static final class Assign implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "ORGANISATION")
    String organisation;

    @Parameters(index = "1", paramLabel = "KEYSPACE")
    String keyspace;

    @Override
    public Integer call() {
      options.withKeys(spec, keys -> {
        keys.assignKeyspace(organisation, keyspace);
        return null;
      });
      spec.commandLine().getOut().println("assigned " + keyspace + " to " + organisation);
      return Delpha.OK;
    }
  }

  @Command(name = "unassign", mixinStandardHelpOptions = true, description = "Take KEYSPACE from ORGANISATION.")
  static final class Unassign implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "ORGANISATION")
    String organisation;

    @Parameters(index = "1", paramLabel = "KEYSPACE")
    String keyspace;

    @Override
    public Integer call() {
      options.withKeys(spec, keys -> {
        keys.unassignKeyspace(organisation, keyspace);
        return null;
      });
      spec.commandLine().getOut().println("unassigned " + keyspace + " from " + organisation);
      return Delpha.OK;
    }
  }
}
