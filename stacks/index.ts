// Pulumi entry point (Pulumi.yaml `main`). Exports a function so nothing is created at import time; the Node
// language host calls it and uses the result as the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { rawFromConfigMap } from "./config/shared";
import { stackProgram } from "./program";

export = async () => stackProgram(pulumi.getStack(), rawFromConfigMap(pulumi.runtime.allConfig()));
