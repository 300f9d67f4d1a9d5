// Hardhat 2 configuration: compiles contracts/ with the pinned toolchain of
// contracts/compiler.json (the same file ledger/toolchain/compile.py reads), using
// the solcjs of node_modules/solc. Never downloads a compiler; runs offline and
// non-interactively.
"use strict";

const fs = require("fs");
const path = require("path");
const { subtask } = require("hardhat/config");
const {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_COMPILE_GET_REMAPPINGS,
} = require("hardhat/builtin-tasks/task-names");

// No telemetry consent prompt, no survey messages (must be set before Hardhat asks).
process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT || "true";
process.env.HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE = process.env.HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE || "true";

const ROOT = __dirname;
// Where artifacts and cache go: build/hardhat, or LEDGER_HARDHAT_DIR (relative to the project root).
// scripts/slither_check.py builds in a directory of its own, so that it never reads a build that another
// Hardhat run of the checkout (tests/toolchain/test_hardhat_equivalence.py) is rewriting.
const BUILD_DIR = path.resolve(ROOT, process.env.LEDGER_HARDHAT_DIR || path.join("build", "hardhat"));
const compilerConfig = JSON.parse(fs.readFileSync(path.join(ROOT, "contracts", "compiler.json"), "utf8"));
const SOLCJS_DIR = path.join(ROOT, "node_modules", "solc");

let solcLongVersion;
function getLongVersion() {
  // Loading soljson takes ~0.4 s: only do it when a compilation actually happens.
  if (solcLongVersion === undefined) {
    solcLongVersion = require(SOLCJS_DIR).version(); // e.g. 0.8.28+commit.7893614a.Emscripten.clang
  }
  return solcLongVersion;
}

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }) => {
  if (solcVersion !== compilerConfig.version) {
    throw new Error(
      `solc ${solcVersion} requested but only the pinned ${compilerConfig.version} (node_modules/solc) is available`,
    );
  }
  const longVersion = getLongVersion();
  if (!longVersion.startsWith(`${compilerConfig.version}+`)) {
    throw new Error(`node_modules/solc is ${longVersion}, expected ${compilerConfig.version} (run npm ci)`);
  }
  return {
    compilerPath: path.join(SOLCJS_DIR, "soljson.js"),
    isSolcJs: true,
    version: compilerConfig.version,
    longVersion,
  };
});

// Resolver remappings (where an import prefix lives on disk). Source unit names are
// unchanged (`@openzeppelin/contracts/...`), and they are not passed to solc.
subtask(TASK_COMPILE_GET_REMAPPINGS, async () => {
  const remappings = {};
  for (const entry of compilerConfig.remappings || []) {
    const [from, to] = entry.split("=");
    remappings[from] = to;
  }
  return remappings;
});

// The EVM target is chosen per network (LEDGER_EVM_VERSION, as ledger/settings.py reads it: geth's Clique and
// GoQuorum need "london"); unset, compiler.json's evmVersion. The Python pipeline applies the same override, so
// both produce the same bytecode for the same target.
function solcSettings() {
  const settings = JSON.parse(JSON.stringify(compilerConfig.settings));
  const target = process.env.LEDGER_EVM_VERSION;
  if (target) {
    settings.evmVersion = target;
  }
  return settings;
}

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    version: compilerConfig.version,
    // A deep copy: Hardhat adds its own outputSelection entries to this object.
    settings: solcSettings(),
  },
  paths: {
    root: ROOT,
    sources: path.join(ROOT, "contracts"),
    tests: path.join(ROOT, "test-hardhat"),
    artifacts: path.join(BUILD_DIR, "artifacts"),
    cache: path.join(BUILD_DIR, "cache"),
  },
};
