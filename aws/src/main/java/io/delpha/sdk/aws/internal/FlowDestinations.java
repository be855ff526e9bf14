package io.delpha.sdk.aws.internal;

import io.delpha.sdk.aws.AppFlowDestinations;
import io.delpha.sdk.aws.FlowDestination;
import io.delpha.sdk.aws.FlowFormatException;
import io.delpha.sdk.aws.FlowType;
import io.delpha.sdk.core.InvalidInputException;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.appflow.model.DescribeFlowResponse;
import software.amazon.awssdk.services.appflow.model.DestinationConnectorProperties;
import software.amazon.awssdk.services.appflow.model.DestinationFlowConfig;
import software.amazon.awssdk.services.appflow.model.FileType;
import software.amazon.awssdk.services.appflow.model.PrefixConfig;
import software.amazon.awssdk.services.appflow.model.S3DestinationProperties;
import software.amazon.awssdk.services.appflow.model.S3OutputFormatConfig;
import software.amazon.awssdk.services.appflow.model.UpdateFlowResponse;

/**
 * {@code AWSManager}'s {@link AppFlowDestinations}: a flow's S3 destination as DescribeFlow reports it, the check
 * that it writes typed Parquet, and the UpdateFlow that makes it. Thread-safe.
 */
public final class FlowDestinations implements AppFlowDestinations {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger log = LoggerFactory.getLogger(FlowDestinations.class);

  private final AppFlowCalls calls;
  private final FlowType flowType;

  /**
   * @param calls AppFlow
   * @param flowType the manager's flow type: a flow reading another Salesforce object is logged
   */
  public FlowDestinations(AppFlowCalls calls, FlowType flowType) {
    this.calls = calls;
    this.flowType = flowType;
  }

  @Override
  public FlowDestination destination(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    return destinationOf(flowName, describe(flowName));
  }

  private DescribeFlowResponse describe(String flowName) {
    DescribeFlowResponse flow = calls.call("describe", "describe_flow", flowName, a -> a.describeFlow(b -> b.flowName(flowName)));
    String object = flow.sourceFlowConfig() == null || flow.sourceFlowConfig().sourceConnectorProperties() == null
        || flow.sourceFlowConfig().sourceConnectorProperties().salesforce() == null
        ? null : flow.sourceFlowConfig().sourceConnectorProperties().salesforce().object();
    if (object != null && !object.equalsIgnoreCase(flowType.salesforceObject())) {
      log.warn("flow {} reads Salesforce {} but this manager is for {} ({})", flowName, object,
          flowType.salesforceObject(), flowType);
    }
    return flow;
  }

  /**
   * The destination of a flow whose runs land in one folder each, named after the run.
   *
   * @param flowName the flow
   * @return its S3 destination
   * @throws InvalidInputException if the flow has no S3 destination, or writes its runs under date or schema-version
   *     folders
   */
  public FlowDestination landingDestination(String flowName) {
    DescribeFlowResponse flow = describe(flowName);
    S3OutputFormatConfig format = s3Config(flowName, flow).destinationConnectorProperties().s3().s3OutputFormatConfig();
    PrefixConfig prefix = format == null ? null : format.prefixConfig();
    if (prefix != null && (prefix.prefixFormat() != null
        || prefix.hasPathPrefixHierarchy() && !prefix.pathPrefixHierarchyAsStrings().isEmpty()
        && !prefix.pathPrefixHierarchyAsStrings().equals(List.of("EXECUTION_ID")))) {
      throw new InvalidInputException("flow '" + flowName + "' writes its runs under date or schema-version "
          + "folders (prefixConfig " + prefix.prefixTypeAsString() + " " + prefix.prefixFormatAsString() + " "
          + prefix.pathPrefixHierarchyAsStrings() + "); this library reads flows whose runs land in "
          + "bucket/prefix/flowName/executionId/");
    }
    return destinationOf(flowName, flow);
  }

  private static DestinationFlowConfig s3Config(String flowName, DescribeFlowResponse flow) {
    return flow.destinationFlowConfigList().stream()
        .filter(d -> d.destinationConnectorProperties() != null && d.destinationConnectorProperties().s3() != null)
        .findFirst()
        .orElseThrow(() -> new InvalidInputException("flow '" + flowName + "' has no Amazon S3 destination "
            + "(destinations: " + flow.destinationFlowConfigList().stream().map(DestinationFlowConfig::connectorTypeAsString)
            .collect(Collectors.toList()) + ")"));
  }

  private static FlowDestination destinationOf(String flowName, DescribeFlowResponse flow) {
    S3DestinationProperties s3 = s3Config(flowName, flow).destinationConnectorProperties().s3();
    S3OutputFormatConfig format = s3.s3OutputFormatConfig();
    String fileType = format == null || format.fileTypeAsString() == null ? "JSON" : format.fileTypeAsString();
    boolean typed = format != null && Boolean.TRUE.equals(format.preserveSourceDataTyping());
    return new FlowDestination(s3.bucketName(), s3.bucketPrefix(), fileType, typed);
  }

  @Override
  public FlowDestination ensureSparkFormat(String flowName) {
    FlowDestination destination = destination(flowName);
    if (!destination.isSparkReady()) {
      String what = "PARQUET".equals(destination.fileType())
          ? "Parquet with preserveSourceDataTyping off, so every column is a string"
          : destination.fileType() + ", not Parquet";
      throw new FlowFormatException("flow '" + flowName + "' writes " + what + " to " + destination.describe()
          + "; call convertToParquet(\"" + flowName + "\") to update the flow to PARQUET with "
          + "preserveSourceDataTyping (UpdateFlow), then run it again", flowName, destination);
    }
    return destination;
  }

  @Override
  public FlowDestination convertToParquet(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    DescribeFlowResponse flow = describe(flowName);
    FlowDestination before = destinationOf(flowName, flow);
    if (before.isSparkReady()) {
      return before;
    }
    DestinationFlowConfig target = s3Config(flowName, flow);
    S3DestinationProperties s3 = target.destinationConnectorProperties().s3();
    S3OutputFormatConfig oldFormat = s3.s3OutputFormatConfig() == null
        ? S3OutputFormatConfig.builder().build() : s3.s3OutputFormatConfig();
    S3OutputFormatConfig parquet = oldFormat.toBuilder().fileType(FileType.PARQUET).preserveSourceDataTyping(true).build();
    DestinationConnectorProperties props = target.destinationConnectorProperties().toBuilder()
        .s3(s3.toBuilder().s3OutputFormatConfig(parquet).build()).build();
    List<DestinationFlowConfig> destinations = flow.destinationFlowConfigList().stream()
        .map(d -> d == target ? d.toBuilder().destinationConnectorProperties(props).build() : d)
        .collect(Collectors.toList());
    UpdateFlowResponse updated = calls.call("update", "update_flow", flowName, a -> a.updateFlow(b -> b.flowName(flowName)
        .description(flow.description())
        .triggerConfig(flow.triggerConfig())
        .sourceFlowConfig(flow.sourceFlowConfig())
        .destinationFlowConfigList(destinations)
        .tasks(flow.tasks())
        .metadataCatalogConfig(flow.metadataCatalogConfig())));
    log.info("flow {} now writes PARQUET with source types to {} (was {}; flow status {})", flowName,
        before.describe(), before.fileType(), updated.flowStatusAsString());
    return new FlowDestination(before.bucket(), before.prefix(), "PARQUET", true);
  }
}
