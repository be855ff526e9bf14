package io.delpha.sdk.changes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.HostileAnswers;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change stream against a fake Pub/Sub API (the published proto, in process and on a loopback port) serving seeded
 * change logs of Accounts and Contacts, REST re-reads from WireMock and a real Cassandra node. Judged by the data: the
 * tables equal the org's final state, which the generator keeps without the consumer's code. A failing seed prints the
 * command that replays it alone ({@code -Dchanges.seed=S -Dchanges.count=1}).
 */
@DisplayName("SalesforceChangeStream: seeded change logs, faults, budgets, into real Cassandra")
class ChangeStreamTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(5).initialDelay(Duration.ofMillis(1))
      .maxDelay(Duration.ofMillis(20)).jitter(false).build();
  private static CassandraManager cass;

  @BeforeAll
  static void connect() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  @AfterAll
  static void close() {
    if (cass != null) {
      cass.execute("DROP KEYSPACE IF EXISTS changes_budget");
      cass.close();
    }
  }

  private static String keyspace(String name) {
    cass.execute("DROP KEYSPACE IF EXISTS " + name);
    cass.execute("CREATE KEYSPACE " + name
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    return name;
  }

  /** The org's final state as the REST API answers it: each record, 404 for the others, a query per object. */
  private static void stubRest(ChangeLog log) {
    log.stubRest(wm);
  }

  private static void stubCount(String entity, int count) {
    ChangeLog.stubCount(wm, entity, count);
  }


  private static String job(String entity) {
    return entity.equals("Account") ? "750R0000000zlh9IAA" : "750R0000000zlhAIAQ";
  }

  /**
   * Bulk API 2.0 query jobs over the org's final state, one per object, shaped as the salesforce tests' fixtures: the
   * job created, complete at the first poll, its results listed by {@code resultPages} (one page) and the page as CSV.
   *
   * @param state the job's state at the poll: {@code jobcomplete} or {@code failed} (a fixture)
   * @param claimed the rows the page claims beyond those it holds ({@code Sforce-NumberOfRecords}), 0 for a whole page
   */
  private static void stubBulk(ChangeLog log, String state, int claimed) {
    for (String entity : log.org.keySet()) {
      String job = job(entity);
      String path = "/services/data/v60.0/jobs/query/" + job;
      int rows = log.org.get(entity).size();
      wm.stubFor(post(urlPathEqualTo("/services/data/v60.0/jobs/query"))
          .withRequestBody(matchingJsonPath("$.query", matching("SELECT Id, .* FROM " + entity)))
          .willReturn(jsonAnswer(SalesforceStubs.fixture("bulk-job-created.json").replace("750R0000000zlh9IAA", job)
              .replace("\"Account\"", "\"" + entity + "\""))));
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(jsonAnswer(SalesforceStubs.fixture("bulk-job-" + state + ".json")
          .replace("750R0000000zlh9IAA", job).replace("\"Account\"", "\"" + entity + "\"")
          .replace("\"numberRecordsProcessed\": 5", "\"numberRecordsProcessed\": " + rows))));
      wm.stubFor(get(urlPathEqualTo(path + "/resultPages")).willReturn(jsonAnswer("{\"resultPages\":[{\"resultUrl\":\""
          + path + "/results?locator=MTAwMDA\"}],\"nextRecordsUrl\":null,\"done\":true}")));
      wm.stubFor(get(urlPathEqualTo(path + "/results")).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "text/csv").withHeader("Sforce-Locator", "null")
          .withHeader("Sforce-NumberOfRecords", String.valueOf(rows + claimed)).withBody(log.csv(entity))));
    }
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder jsonAnswer(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static SalesforceManager salesforce() {
    return SalesforceManager.builder().loginUrl(wm.baseUrl()).clientId(SalesforceStubs.CLIENT_ID)
        .clientSecret(SalesforceStubs.CLIENT_SECRET).username(SalesforceStubs.USERNAME)
        .password(SalesforceStubs.PASSWORD).securityToken(SalesforceStubs.SECURITY_TOKEN).retryPolicy(FAST)
        .bulkPolling(FAST).requestTimeout(Duration.ofSeconds(10)).build();
  }

  private static FakePubSub server(ChangeLog log) {
    return server(log, log.events.size());
  }

  private static FakePubSub server(ChangeLog log, int events) {
    return FakePubSub.serving(log, events);
  }

  private static SalesforceChangeStreamBuilder stream(FakePubSub server, String ks, SalesforceManager sf) {
    return SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace(ks).cql(cass).salesforce(sf)
        .login(() -> new PubSubSession(Secret.of("00Dx0000000BV7z!token"), wm.baseUrl(),
            PubSubSession.orgIdOf("https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P")))
        .replayPreset(ReplayPreset.EARLIEST).retryPolicy(FAST).channels(server::channel);
  }

  /** Waits until the stream checkpointed the log's last replay id (or failed). */
  private static ChangeStreamStatus await(ChangeStream stream, FakePubSub server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    ChangeStreamStatus s = stream.status();
    while (System.nanoTime() < deadline) {
      s = stream.status();
      if (s.state() == ChangeStreamStatus.State.FAILED || server.lastReplayHex().equals(s.lastReplayId())) {
        return s;
      }
      Thread.sleep(20);
    }
    return s;
  }

  private static Map<String, Map<String, Object>> table(String ks, String table) {
    return ChangeLog.rows(cass, ks, table);
  }


  private static void assertConverged(ChangeLog log, String ks, String... entities) {
    for (String entity : entities.length > 0 ? java.util.List.of(entities) : log.org.keySet()) {
      assertThat(table(ks, entity.toLowerCase(java.util.Locale.ROOT)))
          .as("table %s.%s against the org's final %s records", ks, entity.toLowerCase(java.util.Locale.ROOT), entity)
          .isEqualTo(log.expected(entity));
    }
  }

  private void runSeed(Random random, long seed, boolean loopback) throws Exception {
    ChangeLog log = new ChangeLog(seed).generate(40 + random.nextInt(60));
    stubRest(log);
    String ks = keyspace("changes_s" + Math.abs(seed % 100_000) + (loopback ? "_l" : ""));
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      server.dropEvery = random.nextInt(3) == 0 ? 0 : 5 + random.nextInt(40);
      server.redeliver = random.nextInt(4);
      server.maxPerAnswer = 1 + random.nextInt(12);
      // a write (a batch of them) or a checkpoint lost now and then: nothing may be checkpointed past it
      io.delpha.sdk.testing.FailingCqlExecutor failing =
          new io.delpha.sdk.testing.FailingCqlExecutor(cass, random.nextBoolean() ? 0 : 40 + random.nextInt(60));
      SalesforceChangeStreamBuilder b = stream(server, ks, sf).cql(failing).batchSize(1 + random.nextInt(100));
      io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      if (loopback) {
        b = SalesforceChangeStream.builder().metrics(io.delpha.sdk.core.Metrics.micrometer(registry)).topic("/data/ChangeEvents").keyspace(ks).cql(cass).salesforce(sf)
            .login(() -> new PubSubSession(Secret.of("t"), wm.baseUrl(), "00Dx0000000BV7z"))
            .replayPreset(ReplayPreset.EARLIEST).retryPolicy(FAST).endpoint(server.loopback());
      }
      try (ChangeStream stream = b.build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).as("failure").isNull();
        assertThat(s.lastReplayId()).as("status %s", s).isEqualTo(server.lastReplayHex());
        // a lost write and a dropped stream may end the same subscription
        assertThat(s.resubscribes()).as("resubscribes")
            .isGreaterThanOrEqualTo(server.drops.get() + failing.failed() > 0 ? 1 : 0);
        org.slf4j.LoggerFactory.getLogger(ChangeStreamTest.class).info("seed {}: {} statements failed, {} of them "
            + "batches; {} streams dropped", seed, failing.failed(), failing.failedBatches(), server.drops.get());
        if (loopback) {
          assertThat(registry.get("delpha.client.records").tag("service", "salesforce-pubsub")
              .tag("operation", "apply").counter().count()).as("events applied, metered")
              .isEqualTo((double) s.eventsApplied());
          assertThat(registry.get("delpha.client.calls").tag("operation", "get_schema").timer().count())
              .as("schemas fetched once each").isEqualTo(2);
          io.micrometer.core.instrument.Timer lag = registry.get("delpha.changes.lag").timer();
          assertThat(lag.count()).as("one lag per answer applied").isBetween(1L, s.eventsApplied());
          assertThat(lag.max(java.util.concurrent.TimeUnit.NANOSECONDS)).as("lag of the newest commit")
              .isGreaterThanOrEqualTo(0);
        }
        stream.stop();
        assertThat(stream.status().state()).isEqualTo(ChangeStreamStatus.State.STOPPED);
      }
      assertConverged(log, ks);
      assertThat(server.headersSeen).allMatch(h -> h.startsWith("00Dx0000000BV7z " + wm.baseUrl()));
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  /** The stream's executor, holding every table write once {@link #hold} is set: a host's executor that never answers. */
  private static final class HangingWrites extends io.delpha.sdk.cassandra.CqlExecutorWrapper {
    volatile boolean hold;
    final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    HangingWrites(io.delpha.sdk.cassandra.CqlExecutor delegate) {
      super(delegate);
    }

    @Override
    public java.util.concurrent.CompletionStage<com.datastax.oss.driver.api.core.cql.AsyncResultSet> executeAsync(
        com.datastax.oss.driver.api.core.cql.Statement<?> statement) {
      if (hold) {
        held.incrementAndGet();
        return new java.util.concurrent.CompletableFuture<>(); // never acknowledged, never failed
      }
      return super.executeAsync(statement);
    }
  }

  @Test
  @DisplayName("stop() returns when the executor never answers a write; a new stream resumes and the tables converge")
  void stopBoundedWhenWritesHang() throws Exception {
    ChangeLog log = new ChangeLog(71_301).generate(80);
    stubRest(log);
    String ks = keyspace("changes_hang");
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      server.maxPerAnswer = 4;
      HangingWrites hanging = new HangingWrites(cass);
      try (ChangeStream stream = stream(server, ks, sf).cql(hanging).batchSize(4)
          .requestTimeout(Duration.ofSeconds(1)).build()) {
        stream.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stream.status().lastReplayId() == null && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        hanging.hold = true; // from here on no write or checkpoint is ever answered
        while (hanging.held.get() == 0 && !server.lastReplayHex().equals(stream.status().lastReplayId())
            && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread stopper = new Thread(stream::stop, "stopper");
        stopper.start();
        stopper.join(Duration.ofSeconds(60).toMillis()); // a liveness bound, not a measure: it ends in about 1 s
        assertThat(stopper.isAlive()).as("stop() returned with writes never answered").isFalse();
        assertThat(stream.status().state()).isEqualTo(ChangeStreamStatus.State.STOPPED);
      }
      // nothing was checkpointed past a write never answered: a stream on the real executor resumes and converges
      try (ChangeStream again = stream(server, ks, sf).build()) {
        again.start();
        ChangeStreamStatus s = await(again, server);
        assertThat(s.failure()).as("failure").isNull();
        assertThat(s.lastReplayId()).isEqualTo(server.lastReplayHex());
      }
      assertConverged(log, ks);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("a write waits for one of the 512 request slots at most the writer's wait, then fails typed")
  void requestSlotsBounded() {
    String ks = keyspace("changes_slots");
    try {
      cass.execute("CREATE TABLE " + ks + ".account (id text PRIMARY KEY)");
      HangingWrites hanging = new HangingWrites(cass);
      io.delpha.sdk.changes.internal.TableWriter writer = new io.delpha.sdk.changes.internal.TableWriter(hanging, ks,
          Duration.ofMillis(300));
      hanging.hold = true; // no request is ever answered
      int writes = io.delpha.sdk.changes.internal.TableWriter.MAX_IN_FLIGHT * 10; // batches of 10 on one node
      for (int i = 0; i < writes; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      assertThat(hanging.held.get()).isEqualTo(io.delpha.sdk.changes.internal.TableWriter.MAX_IN_FLIGHT);
      assertThatThrownBy(() -> {
        for (int i = 0; i < 10; i++) {
          writer.delete("account", "002" + i, 9_000L + i);
        }
      }).isInstanceOf(io.delpha.sdk.core.ServiceUnavailableException.class).hasMessageContaining("not acknowledged");
      assertThat(hanging.held.get()).isEqualTo(io.delpha.sdk.changes.internal.TableWriter.MAX_IN_FLIGHT);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  /** The host's executor, counting the requests sent, failing the {@code failAt}-th (from 1) if set. */
  private static final class CountingWrites extends io.delpha.sdk.cassandra.CqlExecutorWrapper {
    final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    volatile int failAt;

    CountingWrites(io.delpha.sdk.cassandra.CqlExecutor delegate) {
      super(delegate);
    }

    @Override
    public java.util.concurrent.CompletionStage<com.datastax.oss.driver.api.core.cql.AsyncResultSet> executeAsync(
        com.datastax.oss.driver.api.core.cql.Statement<?> statement) {
      if (sent.incrementAndGet() == failAt) {
        answered.incrementAndGet();
        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("refused by the test"));
      }
      return super.executeAsync(statement).whenComplete((r, x) -> answered.incrementAndGet());
    }

    /** Waits until every request sent is answered (an answer's mark may fail before its other batches are). */
    void awaitAnswered() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (answered.get() < sent.get() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(answered.get()).as("requests answered").isEqualTo(sent.get());
    }
  }

  @Test
  @DisplayName("a batch carries on over an answer's end: each answer's mark waits for the batch holding its last "
      + "writes, push() sends what is held, a failed batch fails every answer in it")
  void batchesCarryOverAnswers() throws Exception {
    String ks = keyspace("changes_carry");
    try {
      cass.execute("CREATE TABLE " + ks + ".account (id text PRIMARY KEY, name text)");
      for (int i = 0; i < 40; i++) {
        cass.execute("INSERT INTO " + ks + ".account (id, name) VALUES (?, ?) USING TIMESTAMP 1", "001" + i, "n" + i);
      }
      CountingWrites counting = new CountingWrites(cass);
      io.delpha.sdk.changes.internal.TableWriter writer = new io.delpha.sdk.changes.internal.TableWriter(counting, ks,
          Duration.ofSeconds(30));
      for (int i = 0; i < 15; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      java.util.concurrent.CompletableFuture<Void> a = writer.mark();
      assertThat(counting.sent.get()).as("one full batch sent, five writes held").isEqualTo(1);
      for (int i = 15; i < 20; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      java.util.concurrent.CompletableFuture<Void> b = writer.mark();
      assertThat(counting.sent.get()).as("the held five and the next answer's five in one batch").isEqualTo(2);
      a.get(30, java.util.concurrent.TimeUnit.SECONDS);
      b.get(30, java.util.concurrent.TimeUnit.SECONDS);
      for (int i = 20; i < 23; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      java.util.concurrent.CompletableFuture<Void> c = writer.mark();
      assertThat(counting.sent.get()).isEqualTo(2);
      assertThat(c).as("its writes are held, not sent").isNotDone();
      writer.push();
      assertThat(counting.sent.get()).isEqualTo(3);
      c.get(30, java.util.concurrent.TimeUnit.SECONDS);
      // the fourth request, holding the ends of two answers, fails: both answers fail, the one after stands
      counting.failAt = 4;
      for (int i = 23; i < 30; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      java.util.concurrent.CompletableFuture<Void> d = writer.mark();
      for (int i = 30; i < 36; i++) {
        writer.delete("account", "001" + i, 1_000L + i);
      }
      java.util.concurrent.CompletableFuture<Void> e = writer.mark();
      writer.push();
      assertThat(counting.sent.get()).isEqualTo(5);
      assertThatThrownBy(() -> d.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("refused");
      assertThatThrownBy(() -> e.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("refused");
      counting.awaitAnswered();
      // judged by the data: the 23 acknowledged deletes applied, the failed batch's 10 not, the last 3 applied
      java.util.Set<String> left = new java.util.TreeSet<>();
      cass.execute("SELECT id FROM " + ks + ".account").forEach(r -> left.add(r.getString(0)));
      java.util.Set<String> expected = new java.util.TreeSet<>();
      for (int i = 23; i < 33; i++) {
        expected.add("001" + i);
      }
      for (int i = 36; i < 40; i++) {
        expected.add("001" + i);
      }
      assertThat(left).isEqualTo(expected);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("seeded logs of every change type, streams dropped and redelivered: the tables equal the org")
  void seededLogsConverge() {
    HostileAnswers.run(getClass(), "seededLogsConverge", "changes.seed", "changes.count", 3,
        random -> runSeed(random, random.nextLong(), false));
  }

  @Test
  @DisplayName("over a loopback port in plaintext, the same")
  void loopbackPort() {
    HostileAnswers.run(getClass(), "loopbackPort", "changes.seed", "changes.count", 1,
        random -> runSeed(random, random.nextLong(), true));
  }

  private static final String MANAGED_NAME = "Delpha_Accounts_Contacts";
  private static final String MANAGED_ID = "18xKj000000000BIAQ";

  private static void managed(FakePubSub server) {
    server.managed.put(MANAGED_NAME, new FakePubSub.Managed(MANAGED_ID, MANAGED_NAME, "/data/ChangeEvents", true));
  }

  /** Waits until the fake keeps {@code index} as the subscription's last commit. */
  private static Integer awaitCommitted(FakePubSub server, int index) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !Integer.valueOf(index).equals(server.committed.get(MANAGED_NAME))) {
      Thread.sleep(20);
    }
    return server.committed.get(MANAGED_NAME);
  }

  private void runManagedSeed(Random random, long seed) throws Exception {
    ChangeLog log = new ChangeLog(seed).generate(40 + random.nextInt(60));
    stubRest(log);
    String ks = keyspace("changes_m" + Math.abs(seed % 100_000));
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      managed(server);
      server.dropEvery = 5 + random.nextInt(36);
      server.maxPerAnswer = 1 + random.nextInt(12);
      server.refuseCommitEvery = random.nextBoolean() ? 0 : 3 + random.nextInt(5);
      // every commit must find the writes of its events acknowledged: the checkpoint, saved after them, at or past it
      java.util.List<String> early = new java.util.concurrent.CopyOnWriteArrayList<>();
      server.onCommit = index -> {
        Row row = cass.execute("SELECT replay_id FROM " + ks + ".salesforce_change_checkpoints WHERE topic = ?",
            "/data/ChangeEvents").one();
        int checkpointed = row == null ? -1
            : FakePubSub.indexOf(com.google.protobuf.ByteString.copyFrom(row.getByteBuffer("replay_id")));
        if (checkpointed < index) {
          early.add("committed " + index + " with the checkpoint at " + checkpointed);
        }
      };
      io.delpha.sdk.testing.FailingCqlExecutor failing =
          new io.delpha.sdk.testing.FailingCqlExecutor(cass, random.nextBoolean() ? 0 : 30 + random.nextInt(60));
      String name = random.nextBoolean() ? MANAGED_NAME : MANAGED_ID;
      // fewer events asked for than a stream lives for: a commit lands before the stream drops (one dropped after its
      // first answer, every time, would start again from the same commit for ever)
      int batch = 1 + random.nextInt(server.dropEvery - 1);
      try (ChangeStream stream = stream(server, ks, sf).cql(failing).batchSize(batch)
          .replayPreset(ReplayPreset.LATEST).managedSubscription(name).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).as("failure").isNull();
        assertThat(s.lastReplayId()).as("status %s", s).isEqualTo(server.lastReplayHex());
        assertThat(awaitCommitted(server, log.events.size() - 1)).as("the server's committed event")
            .isEqualTo(log.events.size() - 1);
        assertThat(server.drops.get()).as("streams dropped").isPositive();
        // the answer a stream was dropped after was never committed: its events came again on the next stream
        assertThat(s.eventsApplied()).as("events applied, redelivered ones included")
            .isGreaterThan(log.events.size());
        stream.stop();
      }
      assertThat(early).as("commits before their writes").isEmpty();
      assertThat(server.managedFirstRequests).as("first requests").isNotEmpty().allSatisfy(r -> {
        assertThat(name.equals(MANAGED_ID) ? r.getSubscriptionId() : r.getDeveloperName()).isEqualTo(name);
        assertThat(name.equals(MANAGED_ID) ? r.getDeveloperName() : r.getSubscriptionId()).isEmpty();
      });
      assertConverged(log, ks);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("a managed subscription: streams dropped, writes lost, commits refused; the server resumes after the "
      + "last commit, each commit follows its writes, and the tables equal the org")
  void managedSubscriptionConverges() {
    HostileAnswers.run(getClass(), "managedSubscriptionConverges", "changes.seed", "changes.count", 3,
        random -> runManagedSeed(random, random.nextLong()));
  }

  @Test
  @DisplayName("a managed subscription started again resumes after its commit on the server; a stream started "
      + "without it goes on from the checkpoint the managed one kept")
  void managedSubscriptionResumes() throws Exception {
    ChangeLog log = new ChangeLog(61).generate(25);
    int first = log.events.size();
    log.generate(20);
    int second = log.events.size();
    log.generate(20);
    stubRest(log);
    String ks = keyspace("changes_managed");
    try (FakePubSub server = server(log, first); SalesforceManager sf = salesforce()) {
      managed(server);
      try (ChangeStream stream = stream(server, ks, sf).batchSize(10).managedSubscription(MANAGED_NAME).build()) {
        stream.start();
        assertThat(await(stream, server).eventsApplied()).isEqualTo(first);
        assertThat(awaitCommitted(server, first - 1)).isEqualTo(first - 1);
      }
      assertThat(server.managedFirstRequests).singleElement().satisfies(r -> {
        assertThat(r.getDeveloperName()).isEqualTo(MANAGED_NAME);
        assertThat(r.getSubscriptionId()).isEmpty();
        assertThat(r.getNumRequested()).isEqualTo(10);
        assertThat(r.hasCommitReplayIdRequest()).isFalse();
      });
      server.append(log.events.subList(first, second));
      try (ChangeStream stream = stream(server, ks, sf).managedSubscription(MANAGED_ID).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.eventsApplied()).as("only the events after the commit").isEqualTo(second - first);
        assertThat(awaitCommitted(server, second - 1)).isEqualTo(second - 1);
      }
      assertThat(server.managedFirstRequests.get(1).getSubscriptionId()).isEqualTo(MANAGED_ID);
      server.append(log.events.subList(second, log.events.size()));
      try (ChangeStream stream = stream(server, ks, sf).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).isNull();
        assertThat(s.eventsApplied()).as("from the checkpoint, over Subscribe").isEqualTo(log.events.size() - second);
      }
      assertThat(server.committed.get(MANAGED_NAME)).as("Subscribe commits nothing").isEqualTo(second - 1);
      assertConverged(log, ks);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("a checkpoint older than the event bus keeps: the objects are re-read, reported, and the stream goes on")
  void expiredReplayIdResyncs() throws Exception {
    ChangeLog log = new ChangeLog(71).generate(30);
    int firstPart = log.events.size();
    log.generate(40);
    String ks = keyspace("changes_expired");
    stubRest(log);
    try (FakePubSub server = server(log, firstPart); SalesforceManager sf = salesforce()) {
      try (ChangeStream stream = stream(server, ks, sf).topic("/data/AccountChangeEvent").build()) {
        stream.start();
        assertThat(await(stream, server).lastReplayId()).isEqualTo(server.lastReplayHex());
        stream.stop();
      }
      // the bus moves on and forgets everything the checkpoint knew
      server.append(log.events.subList(firstPart, log.events.size()));
      server.retainedFrom = firstPart + 5;
      try (ChangeStream stream = stream(server, ks, sf).topic("/data/AccountChangeEvent").build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).isNull();
        assertThat(s.lastReplayId()).isEqualTo(server.lastReplayHex());
        assertThat(s.resyncs()).as("re-syncs reported").isGreaterThanOrEqualTo(1);
      }
      assertConverged(log, ks, "Account");
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("given a SalesforceManager alone, the stream logs in with its session (token, instance URL, org id of "
      + "the identity URL) and renews it when the Pub/Sub API refuses it as expired")
  void sharesTheManagersLogin() throws Exception {
    ChangeLog log = new ChangeLog(17).generate(25);
    stubRest(log);
    SalesforceStubs.stubRenewedLogin(wm);
    String ks = keyspace("changes_login");
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      server.expiredToken = SalesforceStubs.TOKEN_A;
      try (ChangeStream stream = SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace(ks).cql(cass)
          .salesforce(sf).replayPreset(ReplayPreset.EARLIEST).retryPolicy(FAST).channels(server::channel).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).as("failure").isNull();
        assertThat(s.lastReplayId()).isEqualTo(server.lastReplayHex());
        assertThat(s.resubscribes()).as("resubscribed after the refusal").isGreaterThanOrEqualTo(1);
        assertThat(s.toString()).doesNotContain(SalesforceStubs.TOKEN_A).doesNotContain(SalesforceStubs.TOKEN_B);
      }
      assertThat(server.tokensSeen.get(0)).isEqualTo(SalesforceStubs.TOKEN_A);
      assertThat(server.tokensSeen).last().isEqualTo(SalesforceStubs.TOKEN_B);
      assertThat(server.headersSeen).isNotEmpty().allMatch(h -> h.equals("00Dx0000000BV7z " + wm.baseUrl()));
      // one login at build(), one renewal after the refusal: the REST re-reads shared the renewed session
      wm.verify(2, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
          urlPathEqualTo("/services/oauth2/token")));
      assertConverged(log, ks);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("an overflow on an object of more records than bulkRereadAbove re-reads it with a Bulk API 2.0 query "
      + "job, a record gone since the count included: the tables equal the org")
  void overflowRereadsOverBulk() throws Exception {
    ChangeLog log = new ChangeLog(4242).generate(90);
    assertThat(log.overflows).as("the seed's overflows").isNotEmpty();
    assertThat(log.org.values()).as("objects above the threshold").allMatch(records -> records.size() > 2);
    stubRest(log);
    stubBulk(log, "jobcomplete", 0);
    // the count saw a record the job no longer finds: it only chooses the way
    log.org.forEach((entity, records) -> stubCount(entity, records.size() + 1));
    String ks = keyspace("changes_bulk");
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      server.maxPerAnswer = 7;
      try (ChangeStream stream = stream(server, ks, sf).bulkRereadAbove(2).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.failure()).as("failure").isNull();
        assertThat(s.lastReplayId()).isEqualTo(server.lastReplayHex());
        assertThat(s.resyncs()).as("re-syncs").isEqualTo(log.overflows.size());
      }
      wm.verify(log.overflows.size(), postRequestedFor(urlPathEqualTo("/services/data/v60.0/jobs/query")));
      wm.verify(0, getRequestedFor(urlPathMatching("/services/data/v60.0/query/?"))
          .withQueryParam("q", matching("SELECT Id, .*")));
      assertConverged(log, ks);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("a Bulk re-read that fails (the job Failed, a page cut short) ends the stream typed before the "
      + "checkpoint moves, and deletes no row")
  void bulkRereadFailureEndsTyped() throws Exception {
    ChangeLog log = new ChangeLog(4242).generate(90);
    int overflow = log.overflows.get(0);
    stubRest(log);
    String ks = keyspace("changes_bulk_failed");
    try (FakePubSub server = server(log, overflow); SalesforceManager sf = salesforce()) {
      try (ChangeStream stream = stream(server, ks, sf).build()) {
        stream.start();
        assertThat(await(stream, server).lastReplayId()).isEqualTo(server.lastReplayHex());
      }
      String before = server.lastReplayHex();
      Map<String, Map<String, Object>> accounts = table(ks, "account");
      Map<String, Map<String, Object>> contacts = table(ks, "contact");
      server.append(log.events.subList(overflow, overflow + 1));
      stubBulk(log, "failed", 0);
      try (ChangeStream stream = stream(server, ks, sf).bulkRereadAbove(2).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.state()).isEqualTo(ChangeStreamStatus.State.FAILED);
        assertThat(s.failure()).isInstanceOf(io.delpha.sdk.core.InvalidInputException.class)
            .hasMessageContaining("INVALID_FIELD");
        assertThat(s.lastReplayId()).as("the checkpoint stays before the overflow").isEqualTo(before);
        assertThat(s.resyncs()).isZero();
      }
      assertThat(table(ks, "account")).isEqualTo(accounts);
      assertThat(table(ks, "contact")).isEqualTo(contacts);
      // a page that holds fewer rows than it claims: its rows may be written, no row is deleted
      stubBulk(log, "jobcomplete", 1);
      try (ChangeStream stream = stream(server, ks, sf).bulkRereadAbove(2).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.state()).isEqualTo(ChangeStreamStatus.State.FAILED);
        assertThat(s.failure()).isInstanceOf(io.delpha.sdk.core.DataFormatException.class);
        assertThat(s.lastReplayId()).isEqualTo(before);
      }
      assertThat(table(ks, "account")).containsKeys(accounts.keySet().toArray(String[]::new));
      assertThat(table(ks, "contact")).containsKeys(contacts.keySet().toArray(String[]::new));
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }

  @Test
  @DisplayName("without login(..) and with a SalesforceClient that is not a manager, build() says what is missing")
  void loginRequired() {
    SalesforceStubs.stubPasswordLogin(wm, SalesforceStubs.TOKEN_A);
    try (SalesforceManager sf = salesforce()) {
      io.delpha.sdk.salesforce.SalesforceClient client = sf;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SalesforceChangeStream.builder()
          .topic("/data/AccountChangeEvent").keyspace("ks").cql(cass).salesforce(client).build())
          .isInstanceOf(io.delpha.sdk.core.InvalidInputException.class).hasMessageContaining("login(..)");
    }
  }

  @Test
  @DisplayName("an event whose arrays claim more items than its bytes, or a schema with an array of items that take no "
      + "bytes, ends the stream typed; the valid events before it are applied")
  void collectionClaimsBounded() throws Exception {
    ChangeLog log = new ChangeLog(23).generate(8);
    stubRest(log);
    String ks = keyspace("changes_claims");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    enc.writeString("Account");
    enc.writeLong(1L << 30); // recordIds: a block claiming a billion ids, in a few bytes
    enc.writeString("001xx000003DGb2AAG");
    enc.flush();
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      int valid = server.log.size();
      server.append(java.util.List.of(new FakePubSub.Event(ChangeLog.ACCOUNT_SCHEMA, out.toByteArray())));
      server.maxPerAnswer = 1;
      try (ChangeStream stream = stream(server, ks, sf).build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.state()).isEqualTo(ChangeStreamStatus.State.FAILED);
        assertThat(s.failure()).isInstanceOf(io.delpha.sdk.core.DataFormatException.class)
            .hasMessageContaining("claims");
        assertThat(s.eventsApplied()).isEqualTo(valid);
        assertThat(s.lastReplayId()).isEqualTo(java.util.HexFormat.of().formatHex(FakePubSub.replayId(valid - 1)));
      }
      assertThat(table(ks, "account")).isNotEmpty();
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
    String hostile = JSON.readTree(ChangeLog.schemaJson("AccountChangeEvent.avsc")).toString()
        .replaceFirst("\\]}$", ",{\"name\":\"Blob__c\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");
    assertThat(hostile).contains("Blob__c");
    budget(null, server -> server.schemas.put(ChangeLog.ACCOUNT_SCHEMA, hostile), b -> b.topic("/data/AccountChangeEvent"));
  }

  private void budget(String limit, Consumer<FakePubSub> fault, Consumer<SalesforceChangeStreamBuilder> settings)
      throws Exception {
    budget(limit, fault, settings, false);
  }

  private void budget(String limit, Consumer<FakePubSub> fault, Consumer<SalesforceChangeStreamBuilder> settings,
      boolean loopback) throws Exception {
    ChangeLog log = new ChangeLog(7).generate(20);
    stubRest(log);
    // one keyspace for every budget test (a keyspace made and dropped costs more than the test itself); each breach
    // comes before its first write
    cass.execute("CREATE KEYSPACE IF NOT EXISTS changes_budget"
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    String ks = "changes_budget";
    try (FakePubSub server = server(log); SalesforceManager sf = salesforce()) {
      fault.accept(server);
      SalesforceChangeStreamBuilder b = stream(server, ks, sf);
      if (loopback) {
        b.channels(() -> io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(server.loopback())
            .usePlaintext().build());
      }
      settings.accept(b);
      try (ChangeStream stream = b.build()) {
        stream.start();
        ChangeStreamStatus s = await(stream, server);
        assertThat(s.state()).isEqualTo(ChangeStreamStatus.State.FAILED);
        if (limit == null) {
          // the one caller: a schema with an array of items that take no bytes
          assertThat(s.failure()).isInstanceOf(io.delpha.sdk.core.DataFormatException.class)
              .hasMessageContaining("take no bytes");
          return;
        }
        assertThat(s.failure()).isInstanceOf(ResponseLimitException.class);
        assertThat(((ResponseLimitException) s.failure()).limit()).isEqualTo(limit);
      }
    }
  }

  @Test
  @DisplayName("more events in an answer than requested is a typed breach")
  void moreEventsThanRequested() throws Exception {
    budget("maxItems", s -> s.overSend = 3, b -> b.batchSize(2));
  }

  @Test
  @DisplayName("a server that sends nothing, not even a keep-alive, is a typed breach")
  void silence() throws Exception {
    budget("keepAliveTimeout", s -> s.silent = true, b -> b.keepAliveTimeout(Duration.ofMillis(500)));
  }

  @Test
  @DisplayName("an answer larger than maxBodyBytes is a typed breach, in process and over a real transport")
  void answerTooLarge() throws Exception {
    // the schemas (about 3 KB) fit, an answer of 50 events does not
    budget("maxBodyBytes", s -> s.maxPerAnswer = 50, b -> b.responseLimits(l -> l.maxBodyBytes(4000)));
    budget("maxBodyBytes", s -> s.maxPerAnswer = 50, b -> b.responseLimits(l -> l.maxBodyBytes(4000)), true);
  }

  @Test
  @DisplayName("a schema longer than maxBodyBytes is a typed breach")
  void schemaTooLarge() throws Exception {
    budget("maxBodyBytes", s -> s.maxPerAnswer = 1, b -> b.responseLimits(l -> l.maxBodyBytes(1000)).batchSize(1));
  }

  @Test
  @DisplayName("a schema nested deeper than maxSchemaDepth is a typed breach")
  void schemaTooDeep() throws Exception {
    budget("maxSchemaDepth", s -> { }, b -> b.maxSchemaDepth(4));
  }
}
