package io.delpha.sdk.examples.host;

import io.delpha.sdk.aws.AppFlowData;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.ingest.FileStaging;
import io.delpha.sdk.ingest.UploadEndpoint;
import io.delpha.sdk.totesys.PipelineScheduler;
import io.delpha.sdk.totesys.ScheduledRun;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A host application's own service, written as hosts are meant to write them: it depends on three of the library's
 * role interfaces ({@link AppFlowData}, {@link PipelineScheduler}, {@link FileStaging}), never on the managers that
 * implement them ({@code AWSManager}, {@code TotesysPipeline}, {@code BatchIngestor}), so its own tests substitute
 * all three ({@code SalesDeskTest}). In production the host passes the managers:
 *
 * <pre>{@code
 * try (AWSManager aws = AWSManager.builder().region("eu-west-2").build();
 *     TotesysPipeline totesys = TotesysPipeline.builder()...build();
 *     BatchIngestor ingest = BatchIngestor.builder()...build();
 *     SalesDesk desk = new SalesDesk(aws, totesys, ingest)) {
 *   desk.open(Duration.ofMinutes(30), new InetSocketAddress(8443));
 *   Map<String, BigDecimal> byCountry = desk.revenueByCountry("salesforce-opportunities");
 * }
 * }</pre>
 */
public final class SalesDesk implements AutoCloseable {

  private final AppFlowData flows;
  private final PipelineScheduler warehouse;
  private final FileStaging uploads;
  private ScheduledRun schedule;
  private UploadEndpoint endpoint;

  /**
   * @param flows where Salesforce data lands (AppFlow)
   * @param warehouse the ETL that keeps the warehouse fresh
   * @param uploads where partners send files
   */
  public SalesDesk(AppFlowData flows, PipelineScheduler warehouse, FileStaging uploads) {
    this.flows = Objects.requireNonNull(flows, "flows");
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  /**
   * Starts the warehouse schedule and the partners' upload endpoint.
   *
   * @param every how often the warehouse refreshes
   * @param address where partners upload
   * @return the endpoint's URI, to give partners
   */
  public synchronized URI open(Duration every, InetSocketAddress address) {
    schedule = warehouse.schedule(every);
    endpoint = uploads.uploadServer(address);
    return endpoint.uri();
  }

  /**
   * @param flowName an AppFlow flow landing opportunities with {@code country} and {@code amount} columns
   * @return the amounts of its last run, summed per country
   */
  public Map<String, BigDecimal> revenueByCountry(String flowName) {
    Map<String, BigDecimal> sums = new TreeMap<>();
    try (FlowData data = flows.getFlowParquetData(flowName)) {
      while (data.hasNext()) {
        Row r = data.next();
        sums.merge(r.getString("country"), r.getDecimal("amount"), BigDecimal::add);
      }
    }
    return sums;
  }

  /**
   * @return how many warehouse refreshes ran so far
   */
  public synchronized long refreshes() {
    return schedule == null ? 0 : schedule.runsCompleted();
  }

  /** Stops the schedule and the endpoint. */
  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }
}
