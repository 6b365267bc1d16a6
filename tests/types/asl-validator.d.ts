/** Types of asl-validator (it ships none): validates an Amazon States Language definition. */
declare module "asl-validator" {
    interface AslValidatorResult {
        isValid: boolean;
        errors: Array<{ "Error code": string; Message: string }>;
        errorsText: (separator?: string) => string;
    }
    function validator(definition: object, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidatorResult;
    export = validator;
}
