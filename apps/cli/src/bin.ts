#!/usr/bin/env node
// Entry point of the `convergent` command.
import { main } from "./main.js";

process.exitCode = await main(process.argv);
