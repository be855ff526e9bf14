package io.delpha.sdk.aws;

import java.util.Objects;

/**
 * Where and how a flow writes to S3, from the {@code S3} destination of DescribeFlow.
 *
 * @param bucket the bucket
 * @param prefix the key prefix without leading or trailing {@code /}, empty when none
 * @param fileType AppFlow's {@code fileType}: {@code PARQUET}, {@code CSV} or {@code JSON}
 *     ({@code JSON} when AppFlow reports none, its default)
 * @param preserveSourceDataTyping whether Parquet columns keep the source types (else every value is a
 *     string)
 */
public record FlowDestination(String bucket, String prefix, String fileType, boolean preserveSourceDataTyping) {

  /** Normalises the prefix. */
  public FlowDestination {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(fileType, "fileType");
    prefix = prefix == null ? "" : stripSlashes(prefix);
  }

  private static String stripSlashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '/') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * @return whether the flow writes Parquet with the source types kept: what Spark and typed rows need
   */
  public boolean isSparkReady() {
    return "PARQUET".equals(fileType) && preserveSourceDataTyping;
  }

  /**
   * @param flowName the flow
   * @return the key prefix under which the flow's runs land, e.g. {@code salesforce/contact-flow/}
   */
  public String flowFolder(String flowName) {
    return (prefix.isEmpty() ? "" : prefix + "/") + flowName + "/";
  }

  /**
   * @param flowName the flow
   * @param executionId one run
   * @return the key prefix of that run's files, e.g. {@code salesforce/contact-flow/3f1c.../}
   */
  public String executionFolder(String flowName, String executionId) {
    return flowFolder(flowName) + executionId + "/";
  }

  /**
   * @return {@code s3://bucket/prefix}
   */
  public String describe() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}
