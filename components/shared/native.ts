import type * as awsnative from "@pulumi/aws-native";

/**
 * `@pulumi/aws-native`, loaded on first use: the package takes about half a second to load, and only stacks that use
 * a service pulumi-aws lacks (Entity Resolution) need it, so importing the component library does not load it.
 */
export function awsNative(): typeof awsnative {
    return require("@pulumi/aws-native") as typeof awsnative;
}
