package io.delpha.sdk.changes;

import com.google.protobuf.ByteString;
import io.delpha.sdk.changes.internal.pubsub.PubSubGrpc;
import io.delpha.sdk.changes.internal.pubsub.CommitReplayResponse;
import io.delpha.sdk.changes.internal.pubsub.ConsumerEvent;
import io.delpha.sdk.changes.internal.pubsub.ErrorCode;
import io.delpha.sdk.changes.internal.pubsub.FetchRequest;
import io.delpha.sdk.changes.internal.pubsub.FetchResponse;
import io.delpha.sdk.changes.internal.pubsub.ManagedFetchRequest;
import io.delpha.sdk.changes.internal.pubsub.ManagedFetchResponse;
import io.delpha.sdk.changes.internal.pubsub.ProducerEvent;
import io.delpha.sdk.changes.internal.pubsub.SchemaInfo;
import io.delpha.sdk.changes.internal.pubsub.SchemaRequest;
import io.delpha.sdk.changes.internal.pubsub.TopicInfo;
import io.delpha.sdk.changes.internal.pubsub.TopicRequest;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A Pub/Sub API server for tests, from the same proto as the client ({@code eventbus.v1.PubSub}): {@code GetSchema},
 * {@code GetTopic} and {@code Subscribe} over an event log it is given, with the API's flow control (never more events
 * than requested, a keep-alive with the latest replay id when there is nothing to send), its replay presets, its
 * retention (a replay id before the events kept is refused as Salesforce refuses it: {@code INVALID_ARGUMENT}, trailer
 * {@code error-code: sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted}) and faults: a stream dropped
 * every N events, events sent again after a resubscribe, more events than requested, silence, an access token refused
 * as expired. {@code ManagedSubscribe} too, over the same log, as the Pub/Sub API documents it: a stream names a
 * ManagedEventSubscription by developer name or id, starts after the replay id last committed for it (else at its
 * {@code defaultReplay}; a committed id no longer kept resumes at its {@code errorRecoveryReplay}, here the earliest
 * kept), and a commit (of an event's replay id, or of an empty answer's latest replay id) is answered with a {@code
 * commit_response}, refused with an error now and then when asked. Served in process and on a loopback port
 * (plaintext).
 */
final class FakePubSub implements AutoCloseable {

  static final String CORRUPTED = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
  static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);

  /** One event of the log. */
  record Event(String schemaId, byte[] payload) {}

  /** A ManagedEventSubscription record: its id, developer name, topic and {@code defaultReplay} (EARLIEST or not). */
  record Managed(String id, String developerName, String topic, boolean earliest) {}

  /** The managed subscriptions, by developer name. */
  final Map<String, Managed> managed = new ConcurrentHashMap<>();
  /** The index of the event last committed, by developer name. */
  final Map<String, Integer> committed = new ConcurrentHashMap<>();
  /** The first request of every ManagedSubscribe stream. */
  final List<ManagedFetchRequest> managedFirstRequests = new CopyOnWriteArrayList<>();
  /** Every commit request's event index, in order, refused ones included. */
  final List<Integer> commitsSeen = new CopyOnWriteArrayList<>();
  /** Refuse every Nth commit with a {@code commit_response} error (0: none). */
  volatile int refuseCommitEvery;
  final AtomicInteger commitsRefused = new AtomicInteger();
  /** Called with a commit's event index before the fake keeps it. */
  volatile IntConsumer onCommit = i -> { };

  /** The event bus's log: appended to, read by index from the streams' threads. */
  final EventLog log = new EventLog();
  final Map<String, String> schemas = new ConcurrentHashMap<>();
  final Map<String, String> topics = new ConcurrentHashMap<>();
  final List<String> headersSeen = new CopyOnWriteArrayList<>();
  /** The access tokens of the calls, in order. */
  final List<String> tokensSeen = new CopyOnWriteArrayList<>();
  /** An access token refused as expired ({@code UNAUTHENTICATED}), or null. */
  volatile String expiredToken;
  /** Index of the first event still kept; a replay id before it is refused. */
  volatile int retainedFrom;
  /** Close each stream after this many events (0: never). */
  volatile int dropEvery;
  /** After a CUSTOM resubscribe, send this many events before the one asked for again. */
  volatile int redeliver;
  /** Send this many events more than requested. */
  volatile int overSend;
  /** Send nothing at all. */
  volatile boolean silent;
  /** The largest number of events one answer holds. */
  volatile int maxPerAnswer = 7;
  /**
   * The payload sent for event {@code i} of the log, as it is sent (a benchmark stamps its commit time at emission);
   * null: the log's payload.
   */
  volatile java.util.function.BiFunction<Integer, Event, byte[]> payloadOnSend;
  final AtomicInteger subscriptions = new AtomicInteger();
  /** The streams not yet ended. */
  private final List<Stream<?, ?>> open = new CopyOnWriteArrayList<>();
  /** For each {@code CUSTOM} subscription, the index of the event its replay id names (the last one applied). */
  final List<Integer> resumedAfter = new CopyOnWriteArrayList<>();
  /** How many events of the log were sent, counted up to the furthest one. */
  final AtomicInteger delivered = new AtomicInteger();
  final AtomicInteger drops = new AtomicInteger();

  private final String name = "fake-pubsub-" + System.nanoTime();
  private final Server inProcess;
  private Server loopback;

  FakePubSub() {
    try {
      inProcess = InProcessServerBuilder.forName(name).addService(service()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param log a change log
   * @param events how many of its first events the server holds
   * @return a server of the Account and Contact topics and schemas, holding them
   */
  static FakePubSub serving(ChangeLog log, int events) {
    FakePubSub server = new FakePubSub();
    server.schemas.put(ChangeLog.ACCOUNT_SCHEMA, ChangeLog.schemaJson("AccountChangeEvent.avsc"));
    server.schemas.put(ChangeLog.CONTACT_SCHEMA, ChangeLog.schemaJson("ContactChangeEvent.avsc"));
    server.topics.put("/data/AccountChangeEvent", ChangeLog.ACCOUNT_SCHEMA);
    server.topics.put("/data/ContactChangeEvent", ChangeLog.CONTACT_SCHEMA);
    server.append(log.events.subList(0, events));
    return server;
  }

  /** @return a channel to the in-process server */
  io.grpc.ManagedChannel channel() {
    return InProcessChannelBuilder.forName(name).build();
  }

  /** @return the loopback endpoint host:port, the server started on it */
  synchronized String loopback() {
    try {
      if (loopback == null) {
        loopback = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service()).build()
            .start();
      }
      return "127.0.0.1:" + loopback.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] replayId(int index) {
    return ByteBuffer.allocate(8).putLong(index + 1L).array();
  }

  static int indexOf(ByteString replayId) {
    return (int) (ByteBuffer.wrap(replayId.toByteArray()).getLong() - 1);
  }

  /** @return the hex of the last event's replay id, what a stream that applied everything shows */
  String lastReplayHex() {
    return java.util.HexFormat.of().formatHex(replayId(log.size() - 1));
  }

  private ServerServiceDefinition service() {
    ServerServiceDefinition def = ServerServiceDefinition.builder(PubSubGrpc.SERVICE_NAME)
        .addMethod(PubSubGrpc.getGetSchemaMethod(), ServerCalls.asyncUnaryCall(this::getSchema))
        .addMethod(PubSubGrpc.getGetTopicMethod(), ServerCalls.asyncUnaryCall(this::getTopic))
        .addMethod(PubSubGrpc.getSubscribeMethod(), ServerCalls.asyncBidiStreamingCall(Subscribe::new))
        .addMethod(PubSubGrpc.getManagedSubscribeMethod(), ServerCalls.asyncBidiStreamingCall(ManagedSubscribe::new))
        .build();
    return ServerInterceptors.intercept(def, new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        String token = headers.get(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER));
        String instance = headers.get(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER));
        String tenant = headers.get(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER));
        if (token == null || instance == null || tenant == null) {
          call.close(Status.UNAUTHENTICATED.withDescription("missing accesstoken, instanceurl or tenantid"),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
        tokensSeen.add(token);
        if (token.equals(expiredToken)) {
          call.close(Status.UNAUTHENTICATED.withDescription("Session expired or invalid"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        headersSeen.add(tenant + " " + instance);
        return next.startCall(call, headers);
      }
    });
  }

  private void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> out) {
    String json = schemas.get(request.getSchemaId());
    if (json == null) {
      out.onError(Status.NOT_FOUND.withDescription("no schema " + request.getSchemaId()).asRuntimeException());
      return;
    }
    out.onNext(SchemaInfo.newBuilder().setSchemaId(request.getSchemaId()).setSchemaJson(json).build());
    out.onCompleted();
  }

  private void getTopic(TopicRequest request, StreamObserver<TopicInfo> out) {
    String schemaId = topics.get(request.getTopicName());
    if (schemaId == null) {
      out.onError(Status.NOT_FOUND.withDescription("no topic " + request.getTopicName()).asRuntimeException());
      return;
    }
    out.onNext(TopicInfo.newBuilder().setTopicName(request.getTopicName()).setSchemaId(schemaId).setCanSubscribe(true)
        .build());
    out.onCompleted();
  }

  /** What Subscribe and ManagedSubscribe streams share: flow control, keep-alives and faults over the log. */
  private abstract class Stream<Q, R> implements StreamObserver<Q> {
    final StreamObserver<R> out;
    int next = -1;
    int requested;
    private int sent;
    boolean ended;
    private int keptAliveAt = -1;
    private String schemaFilter;

    Stream(StreamObserver<R> out) {
      this.out = out;
      subscriptions.incrementAndGet();
      open.add(this);
    }

    /** An answer: these events (none for a keep-alive), the latest replay id, what is still requested. */
    abstract R answer(List<ConsumerEvent> events, ByteString latest, int pending);

    void from(String topic, int index) {
      schemaFilter = topic.equals("/data/ChangeEvents") ? null : topics.get(topic);
      next = index;
    }

    void pump() {
      if (silent) {
        return;
      }
      while (!ended && requested > 0 && next < log.size()) {
        int n = Math.min(requested + overSend, maxPerAnswer + overSend);
        if (dropEvery > 0) {
          n = Math.min(n, dropEvery - sent);
        }
        List<ConsumerEvent> events = new ArrayList<>();
        while (events.size() < n && next < log.size()) {
          Event e = log.get(next);
          if (schemaFilter == null || schemaFilter.equals(e.schemaId())) {
            java.util.function.BiFunction<Integer, Event, byte[]> stamp = payloadOnSend;
            byte[] payload = stamp == null ? e.payload() : stamp.apply(next, e);
            events.add(ConsumerEvent.newBuilder().setReplayId(ByteString.copyFrom(replayId(next)))
                .setEvent(ProducerEvent.newBuilder().setId("e" + next).setSchemaId(e.schemaId())
                    .setPayload(ByteString.copyFrom(payload))).build());
          }
          next++;
        }
        if (events.isEmpty()) {
          break;
        }
        delivered.accumulateAndGet(next, Math::max);
        requested -= events.size();
        sent += events.size();
        out.onNext(answer(events, ByteString.copyFrom(replayId(next - 1)), Math.max(0, requested)));
        if (dropEvery > 0 && sent >= dropEvery) {
          drops.incrementAndGet();
          end(Status.UNAVAILABLE.withDescription("stream reset"), new Metadata());
          return;
        }
      }
      if (!ended && requested > 0 && next >= log.size() && keptAliveAt != next && !log.isEmpty()) {
        keptAliveAt = next;
        out.onNext(answer(List.of(), ByteString.copyFrom(replayId(log.size() - 1)), requested));
      }
    }

    void end(Status status, Metadata trailers) {
      ended = true;
      open.remove(this);
      out.onError(status.asRuntimeException(trailers));
    }

    @Override
    public synchronized void onError(Throwable t) {
      ended = true;
      open.remove(this);
    }

    @Override
    public synchronized void onCompleted() {
      open.remove(this);
      if (!ended) {
        ended = true;
        out.onCompleted();
      }
    }
  }

  /** One Subscribe stream. */
  private final class Subscribe extends Stream<FetchRequest, FetchResponse> {

    Subscribe(StreamObserver<FetchResponse> out) {
      super(out);
    }

    @Override
    FetchResponse answer(List<ConsumerEvent> events, ByteString latest, int pending) {
      return FetchResponse.newBuilder().addAllEvents(events).setLatestReplayId(latest).setPendingNumRequested(pending)
          .build();
    }

    @Override
    public synchronized void onNext(FetchRequest r) {
      if (ended) {
        return;
      }
      if (next < 0) {
        switch (r.getReplayPreset()) {
          case EARLIEST -> from(r.getTopicName(), retainedFrom);
          case CUSTOM -> {
            int after = indexOf(r.getReplayId());
            resumedAfter.add(after);
            if (after + 1 < retainedFrom) {
              Metadata trailers = new Metadata();
              trailers.put(ERROR_CODE, CORRUPTED);
              end(Status.INVALID_ARGUMENT.withDescription("The Replay ID validation failed"), trailers);
              return;
            }
            from(r.getTopicName(), Math.max(retainedFrom, after + 1 - redeliver));
          }
          default -> from(r.getTopicName(), log.size());
        }
      }
      requested += r.getNumRequested();
      pump();
    }
  }

  /** One ManagedSubscribe stream. */
  private final class ManagedSubscribe extends Stream<ManagedFetchRequest, ManagedFetchResponse> {
    private Managed subscription;

    ManagedSubscribe(StreamObserver<ManagedFetchResponse> out) {
      super(out);
    }

    @Override
    ManagedFetchResponse answer(List<ConsumerEvent> events, ByteString latest, int pending) {
      return ManagedFetchResponse.newBuilder().addAllEvents(events).setLatestReplayId(latest)
          .setPendingNumRequested(pending).build();
    }

    @Override
    public synchronized void onNext(ManagedFetchRequest r) {
      if (ended) {
        return;
      }
      if (subscription == null) {
        managedFirstRequests.add(r);
        subscription = managed.values().stream().filter(m -> m.id().equals(r.getSubscriptionId())
            || m.developerName().equals(r.getDeveloperName())).findFirst().orElse(null);
        if (subscription == null) {
          end(Status.NOT_FOUND.withDescription("managed subscription configuration not found"), new Metadata());
          return;
        }
        Integer last = committed.get(subscription.developerName());
        int start = last != null ? Math.max(retainedFrom, last + 1)
            : subscription.earliest() ? retainedFrom : log.size();
        from(subscription.topic(), start);
      }
      if (r.hasCommitReplayIdRequest()) {
        commit(r.getCommitReplayIdRequest().getCommitRequestId(), r.getCommitReplayIdRequest().getReplayId());
      }
      requested += r.getNumRequested();
      pump();
    }

    private void commit(String requestId, ByteString replayId) {
      int index = indexOf(replayId);
      commitsSeen.add(index);
      CommitReplayResponse.Builder answer = CommitReplayResponse.newBuilder().setCommitRequestId(requestId)
          .setReplayId(replayId).setProcessTime(System.currentTimeMillis());
      int every = refuseCommitEvery;
      if (index < 0 || index >= log.size() || (every > 0 && commitsSeen.size() % every == 0)) {
        commitsRefused.incrementAndGet();
        answer.setError(io.delpha.sdk.changes.internal.pubsub.Error.newBuilder().setCode(ErrorCode.COMMIT).setMsg("Failed to commit the replay ID"));
      } else {
        onCommit.accept(index);
        committed.put(subscription.developerName(), index);
      }
      out.onNext(ManagedFetchResponse.newBuilder().setCommitResponse(answer)
          .setLatestReplayId(ByteString.copyFrom(replayId(Math.max(0, next - 1)))).setPendingNumRequested(requested)
          .build());
    }
  }

  /** New events appended while streams are open are sent to them when they next ask: tests append before starting. */
  void append(List<Event> events) {
    log.addAll(events);
  }

  /**
   * An append-only list of events in chunks of 4,096: an append copies nothing already held (a copy-on-write list
   * copied the whole log at each append, an array of megabytes by a benchmark's millionth event, which the collector
   * then marked the whole heap for).
   */
  static final class EventLog extends java.util.AbstractList<Event> implements java.util.RandomAccess {
    private static final int CHUNK = 4096;
    private final List<Event[]> chunks = new ArrayList<>();
    private volatile int size;

    @Override
    public synchronized Event get(int index) {
      java.util.Objects.checkIndex(index, size);
      return chunks.get(index / CHUNK)[index % CHUNK];
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public synchronized boolean addAll(java.util.Collection<? extends Event> events) {
      for (Event e : events) {
        int i = size;
        if (i % CHUNK == 0) {
          chunks.add(new Event[CHUNK]);
        }
        chunks.get(i / CHUNK)[i % CHUNK] = e;
        size = i + 1;
      }
      return !events.isEmpty();
    }

    @Override
    public boolean add(Event e) {
      return addAll(List.of(e));
    }
  }

  /**
   * Appends events and sends them at once to every open stream that has events requested, as the event bus sends new
   * events to its subscribers (a benchmark's stream that runs on over several rounds).
   */
  void publish(List<Event> events) {
    append(events);
    for (Stream<?, ?> s : open) {
      synchronized (s) {
        s.pump();
      }
    }
  }

  @Override
  public void close() {
    inProcess.shutdownNow();
    if (loopback != null) {
      loopback.shutdownNow();
    }
  }
}
