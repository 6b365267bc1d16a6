/**
 * Type tokens the policies inspect, the only place rules take them from. Each entry is a family: the pulumi-aws v7
 * token and, where v7 keeps one, its deprecated `...V2` twin (only the S3 families have one). Match a resource with
 * `isType(type, TYPES.x)`; list the tokens in `cdp.inspects` with `...TYPES.x`.
 */
export const TYPES = {
    // S3
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketSse: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    bucketVersioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
    bucketOwnership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    bucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    // KMS
    kmsKey: ["aws:kms/key:Key"],
    kmsKeyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
    kmsReplicaKey: ["aws:kms/replicaKey:ReplicaKey"],
    kmsExternalKey: ["aws:kms/externalKey:ExternalKey"],
    kmsReplicaExternalKey: ["aws:kms/replicaExternalKey:ReplicaExternalKey"],
    // IAM
    iamPolicy: ["aws:iam/policy:Policy"],
    iamRole: ["aws:iam/role:Role"],
    iamRolePolicy: ["aws:iam/rolePolicy:RolePolicy"],
    iamUserPolicy: ["aws:iam/userPolicy:UserPolicy"],
    iamGroupPolicy: ["aws:iam/groupPolicy:GroupPolicy"],
    iamPolicyAttachment: ["aws:iam/policyAttachment:PolicyAttachment"],
    iamRolePolicyAttachment: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    iamUserPolicyAttachment: ["aws:iam/userPolicyAttachment:UserPolicyAttachment"],
    iamGroupPolicyAttachment: ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment"],
    iamRolePolicyAttachmentsExclusive: ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"],
    iamUserPolicyAttachmentsExclusive: ["aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"],
    iamGroupPolicyAttachmentsExclusive: ["aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"],
    // Kinesis and Firehose
    kinesisStream: ["aws:kinesis/stream:Stream"],
    kinesisResourcePolicy: ["aws:kinesis/resourcePolicy:ResourcePolicy"],
    firehoseDeliveryStream: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
    // DynamoDB and DAX
    dynamodbTable: ["aws:dynamodb/table:Table"],
    dynamodbTableReplica: ["aws:dynamodb/tableReplica:TableReplica"],
    dynamodbResourcePolicy: ["aws:dynamodb/resourcePolicy:ResourcePolicy"],
    daxCluster: ["aws:dax/cluster:Cluster"],
    // SQS, SNS, EventBridge
    sqsQueue: ["aws:sqs/queue:Queue"],
    sqsQueuePolicy: ["aws:sqs/queuePolicy:QueuePolicy"],
    sqsRedrivePolicy: ["aws:sqs/redrivePolicy:RedrivePolicy"],
    sqsRedriveAllowPolicy: ["aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"],
    snsTopic: ["aws:sns/topic:Topic"],
    snsTopicPolicy: ["aws:sns/topicPolicy:TopicPolicy"],
    snsTopicSubscription: ["aws:sns/topicSubscription:TopicSubscription"],
    eventBus: ["aws:cloudwatch/eventBus:EventBus"],
    eventBusPolicy: ["aws:cloudwatch/eventBusPolicy:EventBusPolicy"],
    eventPermission: ["aws:cloudwatch/eventPermission:EventPermission"],
    eventTarget: ["aws:cloudwatch/eventTarget:EventTarget"],
    schedulerSchedule: ["aws:scheduler/schedule:Schedule"],
    // CloudWatch Logs, CloudTrail
    logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
    cloudtrailTrail: ["aws:cloudtrail/trail:Trail"],
    // Security services
    guarddutyDetector: ["aws:guardduty/detector:Detector"],
    guarddutyDetectorFeature: ["aws:guardduty/detectorFeature:DetectorFeature"],
    securityhubAccount: ["aws:securityhub/account:Account"],
    securityhubStandardsSubscription: ["aws:securityhub/standardsSubscription:StandardsSubscription"],
    inspectorEnabler: ["aws:inspector2/enabler:Enabler"],
    macieAccount: ["aws:macie2/account:Account"],
    // Lambda, API Gateway, Step Functions
    lambdaFunction: ["aws:lambda/function:Function"],
    lambdaPermission: ["aws:lambda/permission:Permission"],
    lambdaFunctionUrl: ["aws:lambda/functionUrl:FunctionUrl"],
    apigatewayRestApi: ["aws:apigateway/restApi:RestApi"],
    apigatewayRestApiPolicy: ["aws:apigateway/restApiPolicy:RestApiPolicy"],
    apigatewayMethod: ["aws:apigateway/method:Method"],
    apigatewayStage: ["aws:apigateway/stage:Stage"],
    apigatewayMethodSettings: ["aws:apigateway/methodSettings:MethodSettings"],
    sfnStateMachine: ["aws:sfn/stateMachine:StateMachine"],
    // Secrets Manager
    secretsmanagerSecret: ["aws:secretsmanager/secret:Secret"],
    secretsmanagerSecretPolicy: ["aws:secretsmanager/secretPolicy:SecretPolicy"],
    // Glue
    glueResourcePolicy: ["aws:glue/resourcePolicy:ResourcePolicy"],
    glueCatalogDatabase: ["aws:glue/catalogDatabase:CatalogDatabase"],
    glueCatalogEncryption: ["aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"],
    glueSecurityConfiguration: ["aws:glue/securityConfiguration:SecurityConfiguration"],
    glueJob: ["aws:glue/job:Job"],
    glueCrawler: ["aws:glue/crawler:Crawler"],
    // Lake Formation
    lakeformationDataLakeSettings: ["aws:lakeformation/dataLakeSettings:DataLakeSettings"],
    lakeformationPermissions: ["aws:lakeformation/permissions:Permissions"],
    lakeformationResource: ["aws:lakeformation/resource:Resource"],
    lakeformationResourceLfTags: ["aws:lakeformation/resourceLfTags:ResourceLfTags"],
    lakeformationResourceLfTag: ["aws:lakeformation/resourceLfTag:ResourceLfTag"],
    // Analytics: Athena, Redshift, Neptune, SageMaker
    athenaWorkgroup: ["aws:athena/workgroup:Workgroup"],
    redshiftCluster: ["aws:redshift/cluster:Cluster"],
    redshiftLogging: ["aws:redshift/logging:Logging"],
    redshiftServerlessNamespace: ["aws:redshiftserverless/namespace:Namespace"],
    redshiftServerlessWorkgroup: ["aws:redshiftserverless/workgroup:Workgroup"],
    neptuneCluster: ["aws:neptune/cluster:Cluster"],
    neptuneClusterInstance: ["aws:neptune/clusterInstance:ClusterInstance"],
    neptuneClusterParameterGroup: ["aws:neptune/clusterParameterGroup:ClusterParameterGroup"],
    sagemakerNotebookInstance: ["aws:sagemaker/notebookInstance:NotebookInstance"],
    sagemakerEndpointConfiguration: ["aws:sagemaker/endpointConfiguration:EndpointConfiguration"],
    sagemakerDomain: ["aws:sagemaker/domain:Domain"],
    // Transfer Family
    transferServer: ["aws:transfer/server:Server"],
} as const satisfies Record<string, readonly string[]>;

/** Tag marking a bucket that AWS forces onto SSE-S3, and the only reason the pack accepts. */
export const SSE_S3_REASON_TAG = "cdp:sse-s3-reason";
export const SSE_S3_ACCEPTED_REASONS = ["s3-server-access-log-target"];
