package io.delpha.sdk.changes.internal;

import com.google.protobuf.ByteString;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.changes.ChangeStreamConfig;
import io.delpha.sdk.changes.ChangeStreamStatus;
import io.delpha.sdk.changes.ChangeStreamStatus.State;
import io.delpha.sdk.changes.PubSubLogin;
import io.delpha.sdk.changes.PubSubSession;
import io.delpha.sdk.changes.ReplayPreset;
import io.delpha.sdk.changes.internal.pubsub.CommitReplayResponse;
import io.delpha.sdk.changes.internal.pubsub.ConsumerEvent;
import io.delpha.sdk.changes.internal.pubsub.FetchRequest;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.salesforce.SalesforceClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change stream's work, on a thread of its own: subscribe (from the checkpoint, else the preset), take the answers in
 * order, send each one's writes into Cassandra, and ask for more while they are in flight: answers applied and not
 * yet checkpointed, and events requested ({@code batchSize} at most a request) and not yet received, together at most
 * {@link #WINDOW} answers of {@code batchSize} (with a managed subscription, one: the next events are asked for after
 * the answer's commit). Each answer's last replay id (a keep-alive's latest replay id too) is checkpointed
 * asynchronously, in order, once its writes and every earlier answer's are acknowledged; after a failed write no later checkpoint is
 * saved, and the stream resubscribes from the last one saved. A dropped stream is subscribed again from the
 * checkpoint ({@code CUSTOM}), with the retry policy's pauses (after an {@code UNAUTHENTICATED}, with the session the
 * login gives in place of the refused one, {@link PubSubLogin#loginAgain}), and what it sends again is written again with the same
 * timestamps; a checkpoint the event bus no longer keeps (an {@code INVALID_ARGUMENT} whose trailers name {@code
 * replayid.corrupted}) makes the stream re-read every object it applies and start again at the oldest event kept
 * ({@code EARLIEST}), which applied over the re-read leaves each field as its latest change made it. With a managed
 * subscription the stream is a {@code ManagedSubscribe} one, which the server starts after the replay id last committed
 * to it: the position each answer is checkpointed at is then committed too, after the checkpoint, and a commit the
 * server refuses is logged and left to the next one.
 */
public final class StreamRunner {

  private static final Logger log = LoggerFactory.getLogger(StreamRunner.class);
  private static final Duration SLICE = Duration.ofMillis(100);
  private static final int MAX_SCHEMAS = 256;
  /** Answers applied and not yet checkpointed, at most, while the next is asked for (docs/changes.md). */
  static final int WINDOW = 16;
  private static final String EXPIRED_CODE = "replayid.corrupted";
  private static final HexFormat HEX = HexFormat.of();
  /** The service of this stream's meters (docs/metrics.md). */
  static final String SERVICE = "salesforce-pubsub";

  private enum Outcome { STOPPED, DROPPED, EXPIRED }

  private final ChangeStreamConfig config;
  private final PubSubLogin login;
  private final PubSubConnection connection;
  private final TableWriter writer;
  private final Checkpoints checkpoints;
  private final Rereads rereads;
  private final Recorder metrics;
  private final Map<String, EventSchema> schemas = new LinkedHashMap<>();
  private final Map<String, EventSchema> schemaOfEntity = new LinkedHashMap<>();
  /** The last event's schema id and schema, entity, its table and schema: a stream's events repeat them. */
  private @Nullable String lastSchemaId;
  private @Nullable EventSchema lastSchema;
  private @Nullable String lastEntity;
  private @Nullable String lastTable;
  private @Nullable EventSchema lastEntitySchema;

  private final AtomicLong eventsApplied = new AtomicLong();
  private final AtomicLong gapsReread = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final AtomicLong resubscribes = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private volatile State state = State.NEW;
  private volatile byte @Nullable [] lastReplayId;
  private volatile @Nullable Instant lastCommit;
  private volatile @Nullable DelphaException failure;
  private volatile boolean stopping;
  private volatile PubSubConnection.@Nullable Subscription<?, ?> current;
  private @Nullable Thread thread;
  private @Nullable PubSubSession session;
  /** The session the API refused as expired, to be renewed before the next subscription. */
  private @Nullable PubSubSession refused;

  /**
   * @param config the settings
   * @param cql the host's executor
   * @param salesforce the host's Salesforce client
   * @param login the Pub/Sub login
   * @param channels a gRPC channel instead of the endpoint (tests), or {@code null}
   */
  public StreamRunner(ChangeStreamConfig config, CqlExecutor cql, SalesforceClient salesforce, PubSubLogin login,
      @Nullable Supplier<?> channels) {
    this.config = config;
    this.login = login;
    this.connection = new PubSubConnection(config, channels);
    this.writer = new TableWriter(cql, config.keyspace(), config.requestTimeout());
    this.checkpoints = new Checkpoints(cql, config.keyspace(), config.checkpointTable());
    this.rereads = new Rereads(salesforce, config);
    this.metrics = Recorder.of(config.metrics());
  }

  /** Starts the stream's thread unless it runs. */
  public synchronized void start() {
    if (thread != null && thread.isAlive()) {
      return;
    }
    stopping = false;
    failure = null;
    state = State.RUNNING;
    Thread t = new Thread(this::run, "delpha-changes" + config.topic().replace('/', '-'));
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /**
   * Stops the stream's thread after the answer it applies, and waits for it: the writes in flight are waited for and
   * checkpointed in order up to the first that failed.
   */
  public void stop() {
    Thread t;
    synchronized (this) {
      t = thread;
      stopping = true;
    }
    PubSubConnection.Subscription<?, ?> s = current;
    if (s != null) {
      s.cancel();
    }
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops and closes the connection. */
  public void close() {
    stop();
    connection.close();
  }

  /**
   * @return the stream's status now
   */
  public ChangeStreamStatus status() {
    byte[] replay = lastReplayId;
    Instant commit = lastCommit;
    return new ChangeStreamStatus(state, config.topic(), replay == null ? null : HEX.formatHex(replay), commit,
        commit == null ? null : Duration.between(commit, config.clock().instant()), eventsApplied.get(),
        gapsReread.get(), resyncs.get(), resubscribes.get(), failure);
  }

  private void run() {
    try {
      checkpoints.ensure();
      Optional<Checkpoints.Checkpoint> saved = checkpoints.load(config.topic());
      WriteClock clock = new WriteClock(saved.map(Checkpoints.Checkpoint::lastTimestamp).orElse(0L));
      byte[] replay = saved.map(Checkpoints.Checkpoint::replayId).orElse(null);
      lastReplayId = replay;
      ReplayPreset preset = config.replayPreset();
      int attempt = 0;
      while (!stopping) {
        boolean[] answered = {false};
        Outcome outcome = consume(replay, preset, clock, answered);
        replay = lastReplayId;
        if (outcome == Outcome.STOPPED) {
          break;
        }
        if (outcome == Outcome.EXPIRED) {
          String shown = replay == null ? config.replayId() : HEX.formatHex(replay);
          log.warn("the Pub/Sub API no longer keeps the events after replay id {} of {}: re-reading every object of "
              + "the stream, then starting at the oldest event it keeps", shown, config.topic());
          resyncAll(clock);
          checkpoints.clear(config.topic());
          replay = null;
          lastReplayId = null;
          preset = ReplayPreset.EARLIEST;
          attempt = 0;
          continue;
        }
        resubscribes.incrementAndGet();
        attempt = answered[0] ? 1 : attempt + 1;
        if (!config.retryPolicy().canRetryAfter(attempt)) {
          throw new ServiceUnavailableException("the Pub/Sub stream of " + config.topic() + " failed " + attempt
              + " times in a row without an answer; it resumes from its checkpoint when started again");
        }
        pause(config.retryPolicy().delayAfter(attempt));
      }
      state = State.STOPPED;
    } catch (DelphaException e) {
      fail(e);
    } catch (StatusRuntimeException e) {
      fail(fatal(e.getStatus(), "the Pub/Sub API"));
    } catch (RuntimeException e) {
      fail(new DelphaException("the change stream of " + config.topic() + " failed: " + e, e));
    }
  }

  private void fail(DelphaException e) {
    if (stopping) {
      state = State.STOPPED;
      return;
    }
    log.error("the change stream of {} failed: {}", config.topic(), e.getMessage());
    failure = e;
    state = State.FAILED;
  }

  /** One subscription, until it ends; its answers applied and checkpointed. */
  private Outcome consume(byte @Nullable [] replay, ReplayPreset preset, WriteClock clock, boolean[] answered) {
    PubSubSession s;
    try {
      PubSubSession expired = refused;
      s = expired == null ? login.login() : login.loginAgain(expired);
      refused = null;
    } catch (ServiceUnavailableException e) {
      log.warn("the Pub/Sub login failed, trying again: {}", e.getMessage());
      return Outcome.DROPPED;
    }
    session = s;
    PubSubConnection.Subscription<?, ?> sub = open(s, replay, preset);
    current = sub;
    int batch = config.batchSize();
    int outstanding = batch;
    long silentSince = System.nanoTime();
    Pipeline pipe = new Pipeline();
    // a managed subscription resumes after its last commit, not the checkpoint: the next events are asked for only
    // once the answer is checkpointed and committed, or a server that drops streams often would send the same ones
    int window = config.managedSubscription() != null ? 1 : WINDOW;
    try {
      while (true) {
        commitSaved(sub, pipe);
        if (stopping) {
          sub.cancel();
          return Outcome.STOPPED;
        }
        Object next = sub.next(Duration.ZERO);
        if (next == null) {
          writer.push(); // no answer waiting: the writes held for a fuller batch go now
          next = sub.next(SLICE);
        }
        if (next == null) {
          if (System.nanoTime() - silentSince > config.keepAliveTimeout().toNanos()) {
            sub.cancel();
            throw new ResponseLimitException("keepAliveTimeout", "the Pub/Sub API sent nothing on the stream of "
                + config.topic() + " for " + config.keepAliveTimeout().toMillis() + " ms (keep-alives are due within "
                + "270 s)", null);
          }
          continue;
        }
        if (next instanceof PubSubConnection.Closed closed) {
          return ended(closed);
        }
        PubSubConnection.Answer answer = (PubSubConnection.Answer) next;
        silentSince = System.nanoTime();
        int n = answer.events().size();
        if (answer.size() > config.responseLimits().maxBodyBytes()) {
          sub.cancel(); // the transport bounds it too (a channel's maxInboundMessageSize); an in-process one may not
          throw new ResponseLimitException("maxBodyBytes", "an answer of the Pub/Sub API on the stream of "
              + config.topic() + " is larger than the " + config.responseLimits().maxBodyBytes() + " bytes allowed",
              null);
        }
        if (n > outstanding) {
          sub.cancel();
          throw new ResponseLimitException("maxItems", "the Pub/Sub API sent " + n + " events in one answer on the "
              + "stream of " + config.topic() + " when " + outstanding + " were requested", null);
        }
        CommitReplayResponse commit = answer.commit();
        if (commit != null) {
          committed(commit);
          if (n == 0) {
            continue; // the answer to a commit: neither a keep-alive nor a position to commit again
          }
        }
        try {
          apply(answer, clock, pipe);
          if (!pipe.settle(window - 1)) {
            sub.cancel();
            return Outcome.STOPPED;
          }
          commitSaved(sub, pipe);
        } catch (StatusRuntimeException e) {
          sub.cancel();
          if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
            refused = s;
            return Outcome.DROPPED;
          }
          if (transientStatus(e.getStatus())) {
            return Outcome.DROPPED;
          }
          throw fatal(e.getStatus(), "the Pub/Sub API's GetSchema");
        } catch (ServiceUnavailableException e) {
          sub.cancel();
          log.warn("applying changes of {} failed, subscribing again from the checkpoint: {}", config.topic(),
              e.getMessage());
          return Outcome.DROPPED;
        }
        answered[0] = true;
        outstanding -= n;
        // the window: answers in flight and events requested together at most `window` answers of `batch`
        int room = (window - pipe.size()) * batch - outstanding;
        if (room >= batch - batch / 2) {
          for (int asked = 0; asked < room; asked += batch) {
            sub.request(Math.min(batch, room - asked)); // num_requested never above batchSize
          }
          outstanding += room;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sub.cancel();
      return Outcome.STOPPED;
    } finally {
      current = null;
      pipe.drain();
    }
  }

  /** The positions checkpointed since the last call, committed to a managed subscription in order. */
  private void commitSaved(PubSubConnection.Subscription<?, ?> sub, Pipeline pipe) {
    for (ByteString position = pipe.saved.poll(); position != null; position = pipe.saved.poll()) {
      if (config.managedSubscription() != null) {
        sub.commit("commit-" + commits.incrementAndGet(), position);
      }
    }
  }

  /**
   * The answers applied and not yet checkpointed. An answer's writes are "ready" once they and every earlier answer's
   * are acknowledged; the checkpoint saved is then the position of the newest ready answer, one save at a time: a
   * save starts when one is ready and none is in flight, so answers that become ready together (or while a save is
   * in flight) are covered by one save of the newest. Each answer's link is done when a checkpoint at or after it is
   * saved (an answer without a position: when its writes are and the answer before it is done); a failed write fails
   * its link and every later one (their writes wait for it), so no checkpoint is saved past it; a failed save fails
   * every link not yet covered, and no later save is made. Stream thread only, but for the saver's callbacks (driver
   * threads) and {@link #saved}.
   */
  private final class Pipeline {
    private final ArrayDeque<CompletableFuture<Void>> links = new ArrayDeque<>();
    /** Done when every answer's writes so far are acknowledged. */
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    private long added;
    private final Saver saver = new Saver();
    /** The positions saved, for the stream's thread to commit (a managed subscription). */
    final ConcurrentLinkedQueue<ByteString> saved = new ConcurrentLinkedQueue<>();

    void add(CompletableFuture<Void> writes, @Nullable ByteString position, long lastTimestamp, int events) {
      CompletableFuture<Void> ready = written.thenCompose(v -> writes);
      written = ready;
      CompletableFuture<Void> link;
      if (position == null) {
        CompletableFuture<Void> before = last();
        link = ready.thenCompose(v -> before);
      } else {
        long index = ++added;
        link = new CompletableFuture<>();
        // this answer's newest change (later answers move lastCommit before this link completes)
        saver.await(index, link, events > 0 ? lastCommit : null);
        // the save made here, on the stream's thread: its statement is prepared the first time (not on a driver's)
        byte[] id = position.toByteArray();
        Saver.Ready r = new Saver.Ready(index, position, id, checkpoints.saving(config.topic(), id, lastTimestamp));
        CompletableFuture<Void> mine = link;
        ready.whenComplete((v, x) -> {
          if (x == null) {
            saver.ready(r);
          } else {
            mine.completeExceptionally(x);
          }
        });
      }
      links.add(link);
    }

    /** The last link added, or a done one: {@link #settle} takes only links that are done, in order. */
    private CompletableFuture<Void> last() {
      CompletableFuture<Void> l = links.peekLast();
      return l == null ? CompletableFuture.completedFuture(null) : l;
    }

    /** One checkpoint save at a time, of the newest position whose writes are acknowledged. */
    private final class Saver {
      /** An answer's position, its writes acknowledged. */
      record Ready(long index, ByteString position, byte[] id,
          java.util.function.Function<Instant, CompletableFuture<Void>> save) {}

      /** A link waiting for a checkpoint at or after its answer. */
      private record Waiting(long index, CompletableFuture<Void> link, @Nullable Instant newest) {}

      private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
      private @Nullable Ready newest;
      private long savedIndex;
      private boolean saving;
      private @Nullable Throwable failed;

      synchronized void await(long index, CompletableFuture<Void> link, @Nullable Instant newestChange) {
        if (failed != null) {
          link.completeExceptionally(failed);
        } else {
          waiting.add(new Waiting(index, link, newestChange));
        }
      }

      void ready(Ready r) {
        Ready next;
        synchronized (this) {
          if (newest == null || r.index() > newest.index()) {
            newest = r; // an answer ready implies every earlier one is: the newest covers them
          }
          next = take();
        }
        if (next != null) {
          save(next);
        }
      }

      /** The position to save now, if one is ready and none is in flight; marks a save in flight. */
      private @Nullable Ready take() {
        Ready r = newest;
        if (saving || failed != null || r == null || r.index() <= savedIndex) {
          return null;
        }
        saving = true;
        return r;
      }

      private void save(Ready r) {
        CompletableFuture<Void> done;
        try {
          done = r.save().apply(config.clock().instant());
        } catch (RuntimeException e) {
          done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((v, x) -> saved(r, x));
      }

      private void saved(Ready r, @Nullable Throwable x) {
        java.util.List<Waiting> covered = new java.util.ArrayList<>();
        Ready next = null;
        Throwable failure = null;
        synchronized (this) {
          saving = false;
          if (x != null) {
            failed = failure = x;
            covered.addAll(waiting);
            waiting.clear();
          } else {
            savedIndex = r.index();
            while (!waiting.isEmpty() && waiting.peek().index() <= savedIndex) {
              covered.add(waiting.poll());
            }
            next = take();
          }
        }
        if (failure == null) {
          lastReplayId = r.id();
          saved.add(r.position());
          Instant now = config.clock().instant();
          for (Waiting w : covered) {
            if (w.newest() != null) {
              metrics.time(Meter.CHANGES_LAG, Math.max(0, Duration.between(w.newest(), now).toNanos()));
            }
            w.link().complete(null);
          }
        } else {
          for (Waiting w : covered) {
            w.link().completeExceptionally(failure);
          }
        }
        if (next != null) {
          save(next);
        }
      }
    }

    /** @return the answers applied and not yet seen checkpointed */
    int size() {
      return links.size();
    }

    /**
     * Waits until at most {@code most} answers are in flight; the failure of one is thrown.
     *
     * @return false if the stream is stopping
     */
    boolean settle(int most) throws InterruptedException {
      while (true) {
        CompletableFuture<Void> head = links.peek();
        if (head == null) {
          return true;
        }
        if (head.isDone()) {
          links.poll();
          try {
            head.join();
          } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw TableWriter.mapped(e);
          }
          continue;
        }
        if (links.size() <= most) {
          return true;
        }
        if (stopping) {
          return false;
        }
        writer.push(); // the oldest answer may wait for writes held for a fuller batch
        try {
          head.get(SLICE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // seen on the next turn
        }
      }
    }

    /**
     * Waits for the writes in flight and the checkpoints they allow, at most the stream's {@code requestTimeout}: an
     * executor that never answers (a host's own) does not hold the stream's end. What is not acknowledged by then is
     * left behind: no checkpoint passes it, so the next subscription writes it again.
     */
    void drain() {
      try {
        CompletableFuture.allOf(writer.sent(), last()).get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        log.warn("the stream of {} ended with writes or checkpoints not acknowledged after {} ms (requestTimeout); "
            + "its checkpoint stays before them", config.topic(), config.requestTimeout().toMillis());
      } catch (ExecutionException e) {
        log.debug("a write or checkpoint of the stream of {} failed while it ended: {}", config.topic(),
            e.getCause() == null ? e.toString() : e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      links.clear();
    }
  }

  /**
   * Opens a stream: ManagedSubscribe for a managed subscription (the server knows where to start), else Subscribe from
   * {@code replay} (the checkpoint), else from the preset.
   */
  private PubSubConnection.Subscription<?, ?> open(PubSubSession s, byte @Nullable [] replay, ReplayPreset preset) {
    String managed = config.managedSubscription();
    if (managed != null) {
      return connection.managedSubscribe(s, ManagedSubscriptionName.firstRequest(managed, config.batchSize()));
    }
    FetchRequest.Builder first = FetchRequest.newBuilder().setTopicName(config.topic())
        .setNumRequested(config.batchSize());
    if (replay != null) {
      first.setReplayPreset(io.delpha.sdk.changes.internal.pubsub.ReplayPreset.CUSTOM)
          .setReplayId(ByteString.copyFrom(replay));
    } else if (preset == ReplayPreset.CUSTOM) {
      first.setReplayPreset(io.delpha.sdk.changes.internal.pubsub.ReplayPreset.CUSTOM)
          .setReplayId(ByteString.copyFrom(HEX.parseHex(String.valueOf(config.replayId()))));
    } else {
      first.setReplayPreset(preset == ReplayPreset.EARLIEST ? io.delpha.sdk.changes.internal.pubsub.ReplayPreset.EARLIEST
          : io.delpha.sdk.changes.internal.pubsub.ReplayPreset.LATEST);
    }
    return connection.subscribe(s, first.build());
  }

  /** The server's answer to commits: a refused one is logged; the next commit, of a later position, covers it. */
  private void committed(CommitReplayResponse commit) {
    if (commit.hasError()) {
      log.warn("the Pub/Sub API did not commit replay id {} of managed subscription {} on the stream of {} ({}: {}); "
          + "the next commit covers it", HEX.formatHex(commit.getReplayId().toByteArray()),
          config.managedSubscription(), config.topic(), commit.getError().getCode(),
          Peers.echo(commit.getError().getMsg()));
    } else {
      log.debug("the Pub/Sub API committed replay id {} of managed subscription {}",
          HEX.formatHex(commit.getReplayId().toByteArray()), config.managedSubscription());
    }
  }

  /**
   * An answer's events sent to the tables; its position (the last event's replay id, else the latest replay id)
   * checkpointed once its writes and every earlier answer's are acknowledged (the pipeline's link).
   */
  private void apply(PubSubConnection.Answer answer, WriteClock clock, Pipeline pipe) {
    PubSubSession s = java.util.Objects.requireNonNull(session);
    for (ConsumerEvent ce : answer.events()) {
      EventSchema schema = schema(s, ce.getEvent().getSchemaId());
      ChangeEvent e = EventDecoder.decode(schema, ce.getEvent().getPayload().toByteArray());
      applyOne(e, schema, clock);
      eventsApplied.incrementAndGet();
      lastCommit = Instant.ofEpochMilli(e.commitTimestamp());
    }
    int n = answer.events().size();
    if (n > 0) {
      metrics.count(Meter.CLIENT_RECORDS, n, "service", SERVICE, "operation", "apply");
    }
    ByteString position = n > 0 ? answer.events().get(n - 1).getReplayId() : answer.latestReplayId();
    pipe.add(writer.mark(), position.isEmpty() ? null : position, clock.last(), n);
  }

  private void applyOne(ChangeEvent e, EventSchema schema, WriteClock clock) {
    String table;
    if (e.entity().equals(lastEntity) && lastTable != null) {
      table = lastTable; // the same instance each time: its hash is kept
    } else {
      table = table(e.entity());
      lastEntity = e.entity();
      lastTable = table;
      lastEntitySchema = null;
    }
    writer.ensure(table, schema);
    if (schema != lastEntitySchema) {
      schemaOfEntity.put(e.entity(), schema);
      lastEntitySchema = schema;
    }
    long ts = clock.next(e.commitTimestamp(), e.sequenceNumber());
    if (e.overflow()) {
      resync(e.entity(), schema, table, ts);
      return;
    }
    switch (e.changeType()) {
      case "DELETE" -> e.recordIds().forEach(id -> writer.delete(table, id, ts));
      case "CREATE", "UNDELETE", "UPDATE" -> {
        if (!e.values().isEmpty()) {
          // a CREATE's record is new (Salesforce never reuses an id): its empty fields need no tombstones
          boolean created = e.changeType().equals("CREATE");
          e.recordIds().forEach(id -> writer.upsert(table, id, e.values(), ts, created));
        }
        if (e.reread()) {
          reread(e, schema, table, clock.next(e.commitTimestamp(), e.sequenceNumber()));
        }
      }
      default -> reread(e, schema, table, ts);
    }
  }

  private void reread(ChangeEvent e, EventSchema schema, String table, long ts) {
    writer.flush(); // the writes in flight first, as when answers were applied one at a time
    for (String id : e.recordIds()) {
      Map<String, @Nullable Object> record = rereads.record(e.entity(), id, schema);
      if (record == null) {
        writer.delete(table, id, ts);
      } else {
        writer.upsert(table, id, record, ts);
      }
      gapsReread.incrementAndGet();
      metrics.count(Meter.CLIENT_RECORDS, 1, "service", SERVICE, "operation", "reread");
    }
  }

  /** Re-reads a whole object into its table at one timestamp; rows of records no longer there are deleted. */
  private void resync(String entity, EventSchema schema, String table, long ts) {
    State was = state;
    state = State.RESYNCING;
    log.info("re-reading every {} record into {}.{}", entity, config.keyspace(), table);
    try {
      Set<String> stale = writer.ids(table);
      rereads.all(entity, schema, (String id, Map<String, @Nullable Object> record) -> {
        writer.upsert(table, id, record, ts);
        stale.remove(id);
      });
      stale.forEach(id -> writer.delete(table, id, ts));
      writer.flush();
    } finally {
      state = was; // a failed re-read is applied again after the resubscription; the stream runs on meanwhile
    }
    resyncs.incrementAndGet();
    metrics.count(Meter.CLIENT_RECORDS, 1, "service", SERVICE, "operation", "resync");
  }

  /** After an expired replay id: every object the stream applies, re-read. */
  private void resyncAll(WriteClock clock) {
    Map<String, EventSchema> entities = new LinkedHashMap<>(schemaOfEntity);
    String single = topicEntity();
    if (single != null && !entities.containsKey(single)) {
      PubSubSession s = login.login();
      String schemaId = metrics.call(SERVICE, "get_topic", () -> connection.topic(s, config.topic())).getSchemaId();
      entities.put(single, schema(s, schemaId));
    }
    if (entities.isEmpty()) {
      throw new InvalidInputException("the checkpoint of " + config.topic() + " is older than the event bus keeps, and "
          + "the stream has not seen which objects it carries: re-read them (e.g. with a bulk load) and drop the "
          + "checkpoint row from " + config.keyspace() + "." + config.checkpointTable());
    }
    long ts = clock.reread(config.clock().millis());
    for (Map.Entry<String, EventSchema> e : entities.entrySet()) {
      String table = table(e.getKey());
      writer.ensure(table, e.getValue());
      resync(e.getKey(), e.getValue(), table, ts);
    }
  }

  /** The object of a one-object topic ({@code /data/AccountChangeEvent}: Account), or null. */
  private @Nullable String topicEntity() {
    String name = config.topic().substring("/data/".length());
    if (name.endsWith("__ChangeEvent")) {
      return name.substring(0, name.length() - "__ChangeEvent".length()) + "__c";
    }
    if (name.endsWith("ChangeEvent") && !name.equals("ChangeEvent")) {
      return name.substring(0, name.length() - "ChangeEvent".length());
    }
    return null;
  }

  private String table(String entity) {
    String t = config.table();
    return t != null ? t : entity.toLowerCase(Locale.ROOT);
  }

  private EventSchema schema(PubSubSession s, String id) {
    if (id.equals(lastSchemaId) && lastSchema != null) {
      return lastSchema;
    }
    EventSchema known = schemas.get(id);
    if (known != null) {
      lastSchemaId = id;
      lastSchema = known;
      return known;
    }
    String json = metrics.call(SERVICE, "get_schema", () -> connection.schema(s, id)).getSchemaJson();
    EventSchema schema = EventSchema.parse(id, json, config.responseLimits().maxBodyBytes(), config.maxSchemaDepth());
    if (schemas.size() >= MAX_SCHEMAS) {
      schemas.remove(schemas.keySet().iterator().next());
    }
    schemas.put(id, schema);
    return schema;
  }

  private Outcome ended(PubSubConnection.Closed closed) {
    Status status = closed.status();
    String code = closed.trailers().get(PubSubConnection.ERROR_CODE);
    if (status.getCode() == Status.Code.INVALID_ARGUMENT && code != null && code.contains(EXPIRED_CODE)) {
      return Outcome.EXPIRED;
    }
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && String.valueOf(status.getDescription())
        .contains("exceeds maximum")) {
      throw new ResponseLimitException("maxBodyBytes", "an answer of the Pub/Sub API on the stream of "
          + config.topic() + " is larger than the " + config.responseLimits().maxBodyBytes() + " bytes allowed", null);
    }
    if (status.getCode() == Status.Code.UNAUTHENTICATED) {
      refused = session;
    }
    if (status.isOk() || transientStatus(status) || status.getCode() == Status.Code.UNAUTHENTICATED) {
      log.info("the Pub/Sub stream of {} ended ({}): subscribing again from the checkpoint", config.topic(),
          status.getCode());
      return Outcome.DROPPED;
    }
    throw fatal(status, "the Pub/Sub API");
  }

  private static boolean transientStatus(Status status) {
    return switch (status.getCode()) {
      case UNAVAILABLE, INTERNAL, UNKNOWN, CANCELLED, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  private DelphaException fatal(Status status, String who) {
    String message = who + " refused the stream of " + config.topic() + ": " + status.getCode() + " "
        + Peers.echo(status.getDescription());
    return switch (status.getCode()) {
      case UNAUTHENTICATED -> new AuthenticationException(message);
      case PERMISSION_DENIED -> new AccessDeniedException(message);
      case NOT_FOUND -> new NotFoundException(message);
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> new InvalidInputException(message);
      default -> new ServiceUnavailableException(message);
    };
  }

  private void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (!stopping && System.nanoTime() < end) {
      try {
        Thread.sleep(Math.min(SLICE.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
