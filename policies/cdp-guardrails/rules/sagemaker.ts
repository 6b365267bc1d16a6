import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { type Block, block, defined } from "../lib/props";
import { TYPES } from "../lib/types";

/** SageMaker: notebook instances, endpoint configurations and domains encrypt with a customer-managed key. */

/** The props sagemaker-kms reads of an aws.sagemaker.NotebookInstance. */
interface NotebookInstanceProps {
    kmsKeyId?: string;
}

/** The props sagemaker-kms reads of an aws.sagemaker.EndpointConfiguration. */
interface EndpointConfigurationProps {
    kmsKeyArn?: string;
    dataCaptureConfig?: Block<{ kmsKeyId?: string }>;
    asyncInferenceConfig?: Block<{ outputConfig?: Block<{ kmsKeyId?: string }> }>;
}

/** The props sagemaker-kms reads of an aws.sagemaker.Domain. */
interface DomainProps {
    kmsKeyId?: string;
    defaultUserSettings?: Block<{ sharingSettings?: Block<{ s3OutputPath?: string; s3KmsKeyId?: string }> }>;
}

const sagemakerKms = definePolicy({
    name: "sagemaker-kms",
    description:
        "SageMaker notebook instances, endpoint configurations and domains encrypt their storage with a customer-managed KMS key, as do endpoint data capture, async inference output and domain notebook sharing when used (cdk-nag AwsSolutions-SM2 for notebooks; the rest is a platform rule — FSBP has no SageMaker encryption control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId on the aws.sagemaker.NotebookInstance, kmsKeyArn on the aws.sagemaker.EndpointConfiguration (plus dataCaptureConfig.kmsKeyId and asyncInferenceConfig.outputConfig.kmsKeyId when those are used) and kmsKeyId on the aws.sagemaker.Domain (plus defaultUserSettings.sharingSettings.s3KmsKeyId when notebook sharing writes to S3), each a customer-managed key ARN.",
    cdp: {
        concern: "encryption",
        controls: ["cdk-nag AwsSolutions-SM2", "platform rule"],
        inspects: [
            ...TYPES.sagemakerNotebookInstance,
            ...TYPES.sagemakerEndpointConfiguration,
            ...TYPES.sagemakerDomain,
        ],
    },
    validateResource: [
        onType(TYPES.sagemakerNotebookInstance, "SageMaker notebook instance", (props: NotebookInstanceProps) =>
            defined(cmkProblem("kmsKeyId", props.kmsKeyId)),
        ),
        onType(
            TYPES.sagemakerEndpointConfiguration,
            "SageMaker endpoint configuration",
            (props: EndpointConfigurationProps) => {
                const problems = defined(cmkProblem("kmsKeyArn", props.kmsKeyArn));
                const capture = block(props.dataCaptureConfig);
                if (capture) problems.push(...defined(cmkProblem("dataCaptureConfig.kmsKeyId", capture.kmsKeyId)));
                const output = block(block(props.asyncInferenceConfig)?.outputConfig);
                if (output)
                    problems.push(
                        ...defined(cmkProblem("asyncInferenceConfig.outputConfig.kmsKeyId", output.kmsKeyId)),
                    );
                return problems;
            },
        ),
        onType(TYPES.sagemakerDomain, "SageMaker domain", (props: DomainProps) => {
            const problems = defined(cmkProblem("kmsKeyId", props.kmsKeyId));
            const sharing = block(block(props.defaultUserSettings)?.sharingSettings);
            if (sharing?.s3OutputPath)
                problems.push(
                    ...defined(cmkProblem("defaultUserSettings.sharingSettings.s3KmsKeyId", sharing.s3KmsKeyId)),
                );
            return problems;
        }),
    ],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const sagemakerPolicies: CdpPolicy[] = [sagemakerKms];
