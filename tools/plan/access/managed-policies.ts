/**
 * The few AWS managed policies the access proof knows (their current default version), by ARN. The platform attaches
 * none today; a role that attaches another one is reported as "not modelled" rather than guessed.
 */
export const AWS_MANAGED_POLICIES: Record<string, unknown> = {
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html
    "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs": {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                ],
                Resource: "*",
            },
        ],
    },
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: "*",
            },
        ],
    },
};
