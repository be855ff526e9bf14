package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.DeltaFormatTest.canonical;
import static io.delpha.sdk.sharing.DeltaFormatTest.expected;
import static io.delpha.sdk.sharing.DeltaFormatTest.fixtures;
import static io.delpha.sdk.sharing.DeltaFormatTest.sorted;
import static io.delpha.sdk.sharing.DeltaFormatTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paged and async forms of a table query (PROTOCOL.md: {@code maxFiles}/{@code pageToken}, the {@code
 * endStreamAction}'s {@code nextPageToken}, {@code asyncquery=true} with an {@code idempotencyKey}, Get Query Info),
 * {@code fileidhash} and {@code includeHistoricalProtocol}, against {@link DeltaLogServer} serving the Delta tables
 * Spark wrote: rows read page by page are Spark's rows, as read in one answer; hostile servers (a token loop, an
 * expired token, a failed or endless query, a wrong echo) end the read typed, and no file of the bad page is fetched.
 */
class SharingPagedQueryTest {

  private final MutableClock clock = new MutableClock(Instant.now());

  @BeforeAll
  static void fixtures() throws Exception {
    DeltaFormatTest.fixtures();
  }

  private DeltaSharingClientBuilder builder(DeltaLogServer server) {
    return DeltaSharingClient.builder().endpoint(server.endpoint()).bearerToken(Secret.of(DeltaLogServer.TOKEN))
        .clock(clock).sleeper(clock::sleep)
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofSeconds(1)).build());
  }

  private static List<String> rows(DeltaSharingClient client, String t, long version) {
    List<String> rows = new ArrayList<>();
    try (RowReader r = client.readTable(table(t), io.delpha.sdk.sharing.QueryOptions.builder().version(version)
        .build())) {
      r.forEachRemaining(row -> rows.add(canonical(row).toString()));
    }
    return sorted(rows);
  }

  @Test
  void rowsReadPageByPageAreTheRowsOfOneAnswerAndSparks() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient paged = builder(server).queryPageSize(1).downloadParallelism(2).build();
        DeltaSharingClient whole = builder(server).queryPageSize(0).build()) {
      long latest = paged.tableVersion(table("events"));
      for (long v = 0; v <= latest; v++) {
        server.filesPerAnswer().clear();
        List<String> byPage = rows(paged, "events", v);
        List<Integer> pages = List.copyOf(server.filesPerAnswer());
        assertThat(pages).as("version %d: one file per page", v).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
        server.filesPerAnswer().clear();
        List<String> once = rows(whole, "events", v);
        assertThat(server.filesPerAnswer()).as("no maxFiles: one answer").hasSize(1);
        assertThat(byPage).as("version %d", v).isEqualTo(once).isEqualTo(expected("events", "v" + v));
        assertThat(pages).as("version %d pages", v).hasSize(Math.max(1, server.filesPerAnswer().get(0)));
      }
      // the columnar view reads the same pages
      List<String> batched = new ArrayList<>();
      try (ColumnBatchReader r = paged.readTableBatches(table("events"))) {
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.rowCount(); i++) {
            batched.add(canonical(b.row(i)).toString());
          }
        }
      }
      assertThat(sorted(batched)).isEqualTo(expected("events", "v" + latest));
    }
  }

  @Test
  void aChangeFeedReadPageByPageIsSparksAndAsksForHistoricalProtocols() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).queryPageSize(2).build()) {
      assertThat(DeltaFormatTest.changes(client, "events", 1)).isEqualTo(expected("events", "changes-1-5"));
      assertThat(server.filesPerAnswer()).hasSizeGreaterThan(2).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
      assertThat(server.changesQueries()).allSatisfy(q -> assertThat(q).contains("includeHistoricalProtocol=true")
          .contains("maxFiles=2"));

      // a later version turning on a reader feature this client does not read: the feed is refused, not misread
      server.historicalReaderFeature = "catalogOwned-preview";
      assertThatThrownBy(() -> client.readChanges(table("events"), 1))
          .isInstanceOfSatisfying(UnsupportedTableFeatureException.class,
              e -> assertThat(e.feature()).isEqualTo("catalogOwned-preview"));
    }
  }

  @Test
  void aPageTokenLoopEndsTheReadAndNoFileOfTheLoopingPageIsFetched() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).queryPageSize(1).build()) { // 4 downloaders ask for pages
      server.paging = DeltaLogServer.Paging.LOOP;
      List<String> rows = new ArrayList<>();
      assertThatThrownBy(() -> {
        try (RowReader r = client.readTable(table("events"))) {
          r.forEachRemaining(row -> rows.add(canonical(row).toString()));
        }
      }).isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("page handle"));
      // pages 1 and 2 were good; page 3 named page 2's token again: none of its files was fetched, and no
      // downloader asked for a page after it
      assertThat(server.filesPerAnswer()).hasSize(3);
      assertThat(server.filesServed()).hasSizeLessThanOrEqualTo(2).doesNotHaveDuplicates();
      assertThat(expected("events", "v" + client.tableVersion(table("events")))).containsAll(rows);
    }
  }

  @Test
  void anExpiredPageTokenIsTypedAndNamesThePage() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).queryPageSize(2).downloadParallelism(1).build()) {
      server.paging = DeltaLogServer.Paging.EXPIRE;
      assertThatThrownBy(() -> {
        try (RowReader r = client.readTable(table("events"))) {
          r.forEachRemaining(row -> { });
        }
      }).isInstanceOfSatisfying(QueryPageExpiredException.class, e -> assertThat(e.getMessage())
          .contains("page 2").contains("fixtures.delta.events").contains("page-").contains("expired"));
      assertThat(server.filesServed()).as("only the first page's files").hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void anAsyncQueryIsPolledUntilDoneThenReadPageByPage() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).asyncQueries(true).queryPageSize(2).build()) {
      server.asyncServed = true;
      server.pendingPolls = 3;
      long latest = client.tableVersion(table("events"));
      assertThat(rows(client, "events", latest)).isEqualTo(expected("events", "v" + latest));
      assertThat(server.queriesStarted()).isEqualTo(1);
      assertThat(server.submissions()).isEqualTo(1);
      // 3 pending polls, the first page, then the other pages through Get Query Info
      assertThat(server.polls()).isEqualTo(3 + server.filesPerAnswer().size());
      assertThat(server.filesPerAnswer()).hasSizeGreaterThan(1).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
      assertThat(clock.slept()).as("the polls paused on the injected sleeper, never the wall clock").hasSize(3);
    }
  }

  @Test
  void aPendingQueryTheServerChoseUnaskedIsPolledToo() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).build()) {
      server.asyncUnasked = true;
      server.pendingPolls = 1;
      long latest = client.tableVersion(table("events"));
      assertThat(rows(client, "events", latest)).isEqualTo(expected("events", "v" + latest));
      assertThat(server.queriesStarted()).isEqualTo(1);
      assertThat(server.polls()).isEqualTo(2);
    }
  }

  @Test
  void aRetriedSubmissionReusesItsIdempotencyKeySoTheServerRunsOneQuery() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).asyncQueries(true).build()) {
      server.asyncServed = true;
      server.failFirstSubmission = true;
      server.pendingPolls = 1;
      long latest = client.tableVersion(table("events"));
      assertThat(rows(client, "events", latest)).isEqualTo(expected("events", "v" + latest));
      assertThat(server.submissions()).as("the 503, then its retry").isEqualTo(2);
      assertThat(server.queriesStarted()).as("one idempotency key: one query").isEqualTo(1);
      // a second read is another query, with a key of its own
      rows(client, "events", latest);
      assertThat(server.queriesStarted()).isEqualTo(2);
    }
  }

  @Test
  void aFailedAsyncQueryIsTypedAndReadsNothing() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).asyncQueries(true).build()) {
      server.asyncServed = true;
      server.failQuery = true;
      server.pendingPolls = 1;
      assertThatThrownBy(() -> client.readTable(table("events")))
          .isInstanceOfSatisfying(QueryFailedException.class, e -> {
            assertThat(e.queryId()).startsWith("q-");
            assertThat(e.getMessage()).contains("ran out of memory").contains("fixtures.delta.events");
          });
      assertThat(server.filesServed()).isEmpty();
    }
  }

  @Test
  void aQueryPendingPastItsTimeoutEndsWithoutWaitingOnTheWallClock() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).asyncQueries(true).asyncQueryTimeout(Duration.ofMinutes(2))
            .build()) {
      server.asyncServed = true;
      server.pendingPolls = Integer.MAX_VALUE;
      assertThatThrownBy(() -> client.readTable(table("events")))
          .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("still pending after PT2M");
      assertThat(clock.totalSlept()).isEqualTo(Duration.ofMinutes(2));
      assertThat(server.filesServed()).isEmpty();
    }
  }

  @Test
  void fileIdHashIsAskedForAndItsEchoChecked() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).fileIdHash("DELTA").queryPageSize(3).build()) {
      long latest = client.tableVersion(table("events"));
      assertThat(rows(client, "events", latest)).isEqualTo(expected("events", "v" + latest));

      server.fileIdHashEcho = "parquet";
      assertThatThrownBy(() -> client.readTable(table("events"))).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("fileidhash=parquet").hasMessageContaining("fileidhash=delta was asked");
      server.fileIdHashEcho = "";
      int served = server.filesServed().size();
      assertThatThrownBy(() -> client.readTable(table("events"))).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("no fileidhash header");
      assertThat(server.filesServed()).hasSize(served);
    }
  }

  @Test
  void expiredUrlsOfAPagedReadAreRefreshedByAskingTheirPageAgain() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).queryPageSize(2).build()) {
      server.expireFirstUrls = true;
      long latest = client.tableVersion(table("events"));
      assertThat(rows(client, "events", latest)).isEqualTo(expected("events", "v" + latest));
      int files = server.filesServed().size();
      int pages = (files + 1) / 2;
      // every page answered once more for its refresh, never the whole table: each answer at most 2 files
      assertThat(server.filesPerAnswer()).hasSizeGreaterThan(pages).hasSizeLessThanOrEqualTo(2 * pages + 1)
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
      assertThat(server.filesServed()).as("each file fetched once, with a fresh URL").doesNotHaveDuplicates();
    }
  }

  @Test
  void aPagedReadHoldsTheFilesOfAPageNotOfTheTable() throws Exception {
    // every file handed to the read comes from a page of at most 1 file: the read never had more than a page
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = builder(server).queryPageSize(1).downloadParallelism(1).build()) {
      Set<String> seen = new HashSet<>();
      try (RowReader r = client.readTable(table("events"))) {
        assertThat(r.hasNext()).isTrue();
        // one file read so far, and the read has asked for at most the next page
        assertThat(server.filesPerAnswer()).hasSizeLessThanOrEqualTo(3);
        r.forEachRemaining(row -> seen.add(canonical(row).toString()));
      }
      assertThat(server.filesPerAnswer().size()).isEqualTo(server.filesServed().size());
    }
  }
}
