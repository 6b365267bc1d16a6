/**
 * The item store behind the API: a DynamoDB document client, or the DAX document client when the function is
 * configured with a DAX cluster. Both expose the same promise-returning operations (`DaxDocument` extends
 * `DynamoDBDocument`), so the handler only sees `DocumentStore` and tests inject a client for a local emulator.
 *
 * DAX: the official DAX client for the AWS SDK v3 is `@amazon-dax-sdk/lib-dax` (not `@amazon-dax-client/…`). It is
 * loaded only when a DAX endpoint is configured; esbuild bundles it (it is not part of the Lambda runtime).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
    DynamoDBDocument,
    type DeleteCommandInput,
    type GetCommandInput,
    type PutCommandInput,
    type QueryCommandInput,
    type ScanCommandInput,
    type TranslateConfig,
    type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";

type Item = Record<string, unknown>;

/** The document-client operations the API uses. */
export interface DocumentStore {
    get(input: GetCommandInput): Promise<{ Item?: Item }>;
    put(input: PutCommandInput): Promise<unknown>;
    update(input: UpdateCommandInput): Promise<{ Attributes?: Item }>;
    delete(input: DeleteCommandInput): Promise<unknown>;
    query(input: QueryCommandInput): Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;
    scan(input: ScanCommandInput): Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;
}

/** Numbers come back wrapped (NumberValue) so out-of-range values stored by other writers never throw. */
export const TRANSLATE_CONFIG: TranslateConfig = {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: true },
};

export interface DynamoStoreOptions {
    /** Endpoint override (a local emulator); default the regional endpoint (or AWS_ENDPOINT_URL_DYNAMODB). */
    readonly endpoint?: string;
    readonly region?: string;
    readonly credentials?: DynamoDBClientConfig["credentials"];
    readonly requestHandler?: DynamoDBClientConfig["requestHandler"];
    readonly maxAttempts?: number;
}

export function createDynamoStore(options: DynamoStoreOptions = {}): DocumentStore & { destroy(): void } {
    const client = new DynamoDBClient({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.region ? { region: options.region } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
    const document = DynamoDBDocument.from(client, TRANSLATE_CONFIG);
    return {
        get: (input) => document.get(input),
        put: (input) => document.put(input),
        update: (input) => document.update(input),
        delete: (input) => document.delete(input),
        query: (input) => document.query(input),
        scan: (input) => document.scan(input),
        destroy: () => client.destroy(),
    };
}

/** What `@amazon-dax-sdk/lib-dax` exports (typed here so type-checking does not need the package). */
interface DaxDocumentConstructor {
    new (config: { endpoint: string; region?: string; requestTimeout?: number }): DocumentStore & { shutdown(): void };
}

export interface DaxStoreOptions {
    /** Cluster discovery endpoint: `dax://…` or `daxs://…` (encrypted in transit). */
    readonly endpoint: string;
    readonly region?: string;
    readonly requestTimeout?: number;
}

export function createDaxStore(options: DaxStoreOptions): DocumentStore & { destroy(): void } {
    // A plain require so that esbuild bundles the client but only runs it when DAX is configured.
    const { DaxDocument } = require("@amazon-dax-sdk/lib-dax") as { DaxDocument: DaxDocumentConstructor };
    const dax = new DaxDocument({
        endpoint: options.endpoint,
        ...(options.region ? { region: options.region } : {}),
        requestTimeout: options.requestTimeout ?? 10_000,
    });
    return {
        get: (input) => dax.get(input),
        put: (input) => dax.put(input),
        update: (input) => dax.update(input),
        delete: (input) => dax.delete(input),
        query: (input) => dax.query(input),
        scan: (input) => dax.scan(input),
        destroy: () => dax.shutdown(),
    };
}

/** The error's name (SDK v3) or code (DAX client). */
function errorCode(error: unknown): string | undefined {
    if (typeof error !== "object" || error === null) return undefined;
    const { name, code } = error as { name?: unknown; code?: unknown };
    if (typeof code === "string" && code !== "") return code;
    return typeof name === "string" ? name : undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
    return errorCode(error) === "ConditionalCheckFailedException";
}

/** DynamoDB rejected the request's data (item too large, number out of range, …). */
export function isValidationException(error: unknown): boolean {
    return errorCode(error) === "ValidationException";
}

/** Throttling by DynamoDB, or a DAX cluster that cannot be reached for now: worth a retry by the caller (503). */
const UNAVAILABLE = new Set([
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "InternalServerError",
    "ServiceUnavailable",
    "NoRouteException",
]);

export function isUnavailable(error: unknown): boolean {
    const code = errorCode(error);
    return code !== undefined && UNAVAILABLE.has(code);
}
