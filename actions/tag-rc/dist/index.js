import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/command.js
import * as os from "os";

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/file-command.js
import * as crypto from "crypto";
import * as fs from "fs";
import * as os2 from "os";
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter2 = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter2)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter2}"`);
  }
  if (convertedValue.includes(delimiter2)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter2}"`);
  }
  return `${key}<<${delimiter2}${os2.EOL}${convertedValue}${os2.EOL}${delimiter2}`;
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/core.js
import * as os5 from "os";

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/summary.js
import { EOL as EOL3 } from "os";
import { constants, promises } from "fs";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/platform.js
import os4 from "os";

// ../../node_modules/.pnpm/@actions+exec@3.0.0/node_modules/@actions/exec/lib/toolrunner.js
import * as os3 from "os";
import * as events from "events";
import * as child from "child_process";
import * as path3 from "path";

// ../../node_modules/.pnpm/@actions+io@3.0.2/node_modules/@actions/io/lib/io.js
import * as path2 from "path";

// ../../node_modules/.pnpm/@actions+io@3.0.2/node_modules/@actions/io/lib/io-util.js
import * as fs2 from "fs";
import * as path from "path";
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;
function exists(fsPath) {
  return __awaiter2(this, void 0, void 0, function* () {
    try {
      yield stat(fsPath);
    } catch (err) {
      if (err.code === "ENOENT") {
        return false;
      }
      throw err;
    }
    return true;
  });
}
function isRooted(p) {
  p = normalizeSeparators(p);
  if (!p) {
    throw new Error('isRooted() parameter "p" cannot be empty');
  }
  if (IS_WINDOWS) {
    return p.startsWith("\\") || /^[A-Z]:/i.test(p);
  }
  return p.startsWith("/");
}
function tryGetExecutablePath(filePath, extensions) {
  return __awaiter2(this, void 0, void 0, function* () {
    let stats = void 0;
    try {
      stats = yield stat(filePath);
    } catch (err) {
      if (err.code !== "ENOENT") {
        console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
      }
    }
    if (stats && stats.isFile()) {
      if (IS_WINDOWS) {
        const upperExt = path.extname(filePath).toUpperCase();
        if (extensions.some((validExt) => validExt.toUpperCase() === upperExt)) {
          return filePath;
        }
      } else {
        if (isUnixExecutable(stats)) {
          return filePath;
        }
      }
    }
    const originalFilePath = filePath;
    for (const extension of extensions) {
      filePath = originalFilePath + extension;
      stats = void 0;
      try {
        stats = yield stat(filePath);
      } catch (err) {
        if (err.code !== "ENOENT") {
          console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
        }
      }
      if (stats && stats.isFile()) {
        if (IS_WINDOWS) {
          try {
            const directory = path.dirname(filePath);
            const upperName = path.basename(filePath).toUpperCase();
            for (const actualName of yield readdir(directory)) {
              if (upperName === actualName.toUpperCase()) {
                filePath = path.join(directory, actualName);
                break;
              }
            }
          } catch (err) {
            console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
          }
          return filePath;
        } else {
          if (isUnixExecutable(stats)) {
            return filePath;
          }
        }
      }
    }
    return "";
  });
}
function normalizeSeparators(p) {
  p = p || "";
  if (IS_WINDOWS) {
    p = p.replace(/\//g, "\\");
    return p.replace(/\\\\+/g, "\\");
  }
  return p.replace(/\/\/+/g, "/");
}
function isUnixExecutable(stats) {
  return (stats.mode & 1) > 0 || (stats.mode & 8) > 0 && process.getgid !== void 0 && stats.gid === process.getgid() || (stats.mode & 64) > 0 && process.getuid !== void 0 && stats.uid === process.getuid();
}

// ../../node_modules/.pnpm/@actions+io@3.0.2/node_modules/@actions/io/lib/io.js
var __awaiter3 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
function which(tool, check) {
  return __awaiter3(this, void 0, void 0, function* () {
    if (!tool) {
      throw new Error("parameter 'tool' is required");
    }
    if (check) {
      const result = yield which(tool, false);
      if (!result) {
        if (IS_WINDOWS) {
          throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
        } else {
          throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
        }
      }
      return result;
    }
    const matches = yield findInPath(tool);
    if (matches && matches.length > 0) {
      return matches[0];
    }
    return "";
  });
}
function findInPath(tool) {
  return __awaiter3(this, void 0, void 0, function* () {
    if (!tool) {
      throw new Error("parameter 'tool' is required");
    }
    const extensions = [];
    if (IS_WINDOWS && process.env["PATHEXT"]) {
      for (const extension of process.env["PATHEXT"].split(path2.delimiter)) {
        if (extension) {
          extensions.push(extension);
        }
      }
    }
    if (isRooted(tool)) {
      const filePath = yield tryGetExecutablePath(tool, extensions);
      if (filePath) {
        return [filePath];
      }
      return [];
    }
    if (tool.includes(path2.sep)) {
      return [];
    }
    const directories = [];
    if (process.env.PATH) {
      for (const p of process.env.PATH.split(path2.delimiter)) {
        if (p) {
          directories.push(p);
        }
      }
    }
    const matches = [];
    for (const directory of directories) {
      const filePath = yield tryGetExecutablePath(path2.join(directory, tool), extensions);
      if (filePath) {
        matches.push(filePath);
      }
    }
    return matches;
  });
}

// ../../node_modules/.pnpm/@actions+exec@3.0.0/node_modules/@actions/exec/lib/toolrunner.js
import { setTimeout } from "timers";
var __awaiter4 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var IS_WINDOWS2 = process.platform === "win32";
var ToolRunner = class extends events.EventEmitter {
  constructor(toolPath, args, options) {
    super();
    if (!toolPath) {
      throw new Error("Parameter 'toolPath' cannot be null or empty.");
    }
    this.toolPath = toolPath;
    this.args = args || [];
    this.options = options || {};
  }
  _debug(message) {
    if (this.options.listeners && this.options.listeners.debug) {
      this.options.listeners.debug(message);
    }
  }
  _getCommandString(options, noPrefix) {
    const toolPath = this._getSpawnFileName();
    const args = this._getSpawnArgs(options);
    let cmd = noPrefix ? "" : "[command]";
    if (IS_WINDOWS2) {
      if (this._isCmdFile()) {
        cmd += toolPath;
        for (const a of args) {
          cmd += ` ${a}`;
        }
      } else if (options.windowsVerbatimArguments) {
        cmd += `"${toolPath}"`;
        for (const a of args) {
          cmd += ` ${a}`;
        }
      } else {
        cmd += this._windowsQuoteCmdArg(toolPath);
        for (const a of args) {
          cmd += ` ${this._windowsQuoteCmdArg(a)}`;
        }
      }
    } else {
      cmd += toolPath;
      for (const a of args) {
        cmd += ` ${a}`;
      }
    }
    return cmd;
  }
  _processLineBuffer(data, strBuffer, onLine) {
    try {
      let s = strBuffer + data.toString();
      let n = s.indexOf(os3.EOL);
      while (n > -1) {
        const line = s.substring(0, n);
        onLine(line);
        s = s.substring(n + os3.EOL.length);
        n = s.indexOf(os3.EOL);
      }
      return s;
    } catch (err) {
      this._debug(`error processing line. Failed with error ${err}`);
      return "";
    }
  }
  _getSpawnFileName() {
    if (IS_WINDOWS2) {
      if (this._isCmdFile()) {
        return process.env["COMSPEC"] || "cmd.exe";
      }
    }
    return this.toolPath;
  }
  _getSpawnArgs(options) {
    if (IS_WINDOWS2) {
      if (this._isCmdFile()) {
        let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
        for (const a of this.args) {
          argline += " ";
          argline += options.windowsVerbatimArguments ? a : this._windowsQuoteCmdArg(a);
        }
        argline += '"';
        return [argline];
      }
    }
    return this.args;
  }
  _endsWith(str, end) {
    return str.endsWith(end);
  }
  _isCmdFile() {
    const upperToolPath = this.toolPath.toUpperCase();
    return this._endsWith(upperToolPath, ".CMD") || this._endsWith(upperToolPath, ".BAT");
  }
  _windowsQuoteCmdArg(arg) {
    if (!this._isCmdFile()) {
      return this._uvQuoteCmdArg(arg);
    }
    if (!arg) {
      return '""';
    }
    const cmdSpecialChars = [
      " ",
      "	",
      "&",
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      "^",
      "=",
      ";",
      "!",
      "'",
      "+",
      ",",
      "`",
      "~",
      "|",
      "<",
      ">",
      '"'
    ];
    let needsQuotes = false;
    for (const char of arg) {
      if (cmdSpecialChars.some((x) => x === char)) {
        needsQuotes = true;
        break;
      }
    }
    if (!needsQuotes) {
      return arg;
    }
    let reverse = '"';
    let quoteHit = true;
    for (let i = arg.length; i > 0; i--) {
      reverse += arg[i - 1];
      if (quoteHit && arg[i - 1] === "\\") {
        reverse += "\\";
      } else if (arg[i - 1] === '"') {
        quoteHit = true;
        reverse += '"';
      } else {
        quoteHit = false;
      }
    }
    reverse += '"';
    return reverse.split("").reverse().join("");
  }
  _uvQuoteCmdArg(arg) {
    if (!arg) {
      return '""';
    }
    if (!arg.includes(" ") && !arg.includes("	") && !arg.includes('"')) {
      return arg;
    }
    if (!arg.includes('"') && !arg.includes("\\")) {
      return `"${arg}"`;
    }
    let reverse = '"';
    let quoteHit = true;
    for (let i = arg.length; i > 0; i--) {
      reverse += arg[i - 1];
      if (quoteHit && arg[i - 1] === "\\") {
        reverse += "\\";
      } else if (arg[i - 1] === '"') {
        quoteHit = true;
        reverse += "\\";
      } else {
        quoteHit = false;
      }
    }
    reverse += '"';
    return reverse.split("").reverse().join("");
  }
  _cloneExecOptions(options) {
    options = options || {};
    const result = {
      cwd: options.cwd || process.cwd(),
      env: options.env || process.env,
      silent: options.silent || false,
      windowsVerbatimArguments: options.windowsVerbatimArguments || false,
      failOnStdErr: options.failOnStdErr || false,
      ignoreReturnCode: options.ignoreReturnCode || false,
      delay: options.delay || 1e4
    };
    result.outStream = options.outStream || process.stdout;
    result.errStream = options.errStream || process.stderr;
    return result;
  }
  _getSpawnOptions(options, toolPath) {
    options = options || {};
    const result = {};
    result.cwd = options.cwd;
    result.env = options.env;
    result["windowsVerbatimArguments"] = options.windowsVerbatimArguments || this._isCmdFile();
    if (options.windowsVerbatimArguments) {
      result.argv0 = `"${toolPath}"`;
    }
    return result;
  }
  /**
   * Exec a tool.
   * Output will be streamed to the live console.
   * Returns promise with return code
   *
   * @param     tool     path to tool to exec
   * @param     options  optional exec options.  See ExecOptions
   * @returns   number
   */
  exec() {
    return __awaiter4(this, void 0, void 0, function* () {
      if (!isRooted(this.toolPath) && (this.toolPath.includes("/") || IS_WINDOWS2 && this.toolPath.includes("\\"))) {
        this.toolPath = path3.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
      }
      this.toolPath = yield which(this.toolPath, true);
      return new Promise((resolve2, reject) => __awaiter4(this, void 0, void 0, function* () {
        this._debug(`exec tool: ${this.toolPath}`);
        this._debug("arguments:");
        for (const arg of this.args) {
          this._debug(`   ${arg}`);
        }
        const optionsNonNull = this._cloneExecOptions(this.options);
        if (!optionsNonNull.silent && optionsNonNull.outStream) {
          optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + os3.EOL);
        }
        const state = new ExecState(optionsNonNull, this.toolPath);
        state.on("debug", (message) => {
          this._debug(message);
        });
        if (this.options.cwd && !(yield exists(this.options.cwd))) {
          return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
        }
        const fileName = this._getSpawnFileName();
        const cp = child.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
        let stdbuffer = "";
        if (cp.stdout) {
          cp.stdout.on("data", (data) => {
            if (this.options.listeners && this.options.listeners.stdout) {
              this.options.listeners.stdout(data);
            }
            if (!optionsNonNull.silent && optionsNonNull.outStream) {
              optionsNonNull.outStream.write(data);
            }
            stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
              if (this.options.listeners && this.options.listeners.stdline) {
                this.options.listeners.stdline(line);
              }
            });
          });
        }
        let errbuffer = "";
        if (cp.stderr) {
          cp.stderr.on("data", (data) => {
            state.processStderr = true;
            if (this.options.listeners && this.options.listeners.stderr) {
              this.options.listeners.stderr(data);
            }
            if (!optionsNonNull.silent && optionsNonNull.errStream && optionsNonNull.outStream) {
              const s = optionsNonNull.failOnStdErr ? optionsNonNull.errStream : optionsNonNull.outStream;
              s.write(data);
            }
            errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
              if (this.options.listeners && this.options.listeners.errline) {
                this.options.listeners.errline(line);
              }
            });
          });
        }
        cp.on("error", (err) => {
          state.processError = err.message;
          state.processExited = true;
          state.processClosed = true;
          state.CheckComplete();
        });
        cp.on("exit", (code) => {
          state.processExitCode = code;
          state.processExited = true;
          this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
          state.CheckComplete();
        });
        cp.on("close", (code) => {
          state.processExitCode = code;
          state.processExited = true;
          state.processClosed = true;
          this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
          state.CheckComplete();
        });
        state.on("done", (error2, exitCode) => {
          if (stdbuffer.length > 0) {
            this.emit("stdline", stdbuffer);
          }
          if (errbuffer.length > 0) {
            this.emit("errline", errbuffer);
          }
          cp.removeAllListeners();
          if (error2) {
            reject(error2);
          } else {
            resolve2(exitCode);
          }
        });
        if (this.options.input) {
          if (!cp.stdin) {
            throw new Error("child process missing stdin");
          }
          cp.stdin.end(this.options.input);
        }
      }));
    });
  }
};
function argStringToArray(argString) {
  const args = [];
  let inQuotes = false;
  let escaped = false;
  let arg = "";
  function append(c) {
    if (escaped && c !== '"') {
      arg += "\\";
    }
    arg += c;
    escaped = false;
  }
  for (let i = 0; i < argString.length; i++) {
    const c = argString.charAt(i);
    if (c === '"') {
      if (!escaped) {
        inQuotes = !inQuotes;
      } else {
        append(c);
      }
      continue;
    }
    if (c === "\\" && escaped) {
      append(c);
      continue;
    }
    if (c === "\\" && inQuotes) {
      escaped = true;
      continue;
    }
    if (c === " " && !inQuotes) {
      if (arg.length > 0) {
        args.push(arg);
        arg = "";
      }
      continue;
    }
    append(c);
  }
  if (arg.length > 0) {
    args.push(arg.trim());
  }
  return args;
}
var ExecState = class _ExecState extends events.EventEmitter {
  constructor(options, toolPath) {
    super();
    this.processClosed = false;
    this.processError = "";
    this.processExitCode = 0;
    this.processExited = false;
    this.processStderr = false;
    this.delay = 1e4;
    this.done = false;
    this.timeout = null;
    if (!toolPath) {
      throw new Error("toolPath must not be empty");
    }
    this.options = options;
    this.toolPath = toolPath;
    if (options.delay) {
      this.delay = options.delay;
    }
  }
  CheckComplete() {
    if (this.done) {
      return;
    }
    if (this.processClosed) {
      this._setResult();
    } else if (this.processExited) {
      this.timeout = setTimeout(_ExecState.HandleTimeout, this.delay, this);
    }
  }
  _debug(message) {
    this.emit("debug", message);
  }
  _setResult() {
    let error2;
    if (this.processExited) {
      if (this.processError) {
        error2 = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
      } else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
        error2 = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
      } else if (this.processStderr && this.options.failOnStdErr) {
        error2 = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
      }
    }
    if (this.timeout) {
      clearTimeout(this.timeout);
      this.timeout = null;
    }
    this.done = true;
    this.emit("done", error2, this.processExitCode);
  }
  static HandleTimeout(state) {
    if (state.done) {
      return;
    }
    if (!state.processClosed && state.processExited) {
      const message = `The STDIO streams did not close within ${state.delay / 1e3} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
      state._debug(message);
    }
    state._setResult();
  }
};

// ../../node_modules/.pnpm/@actions+exec@3.0.0/node_modules/@actions/exec/lib/exec.js
var __awaiter5 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
function exec(commandLine, args, options) {
  return __awaiter5(this, void 0, void 0, function* () {
    const commandArgs = argStringToArray(commandLine);
    if (commandArgs.length === 0) {
      throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
    }
    const toolPath = commandArgs[0];
    args = commandArgs.slice(1).concat(args || []);
    const runner = new ToolRunner(toolPath, args, options);
    return runner.exec();
  });
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/platform.js
var platform = os4.platform();
var arch = os4.arch();

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os5.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function debug(message) {
  issueCommand("debug", {}, message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os5.EOL);
}

// ../../packages/core/src/runtime/errors.ts
var ConfigurationError = class extends Error {
  name = "ConfigurationError";
};
function isConfigurationError(e) {
  return e instanceof ConfigurationError;
}

// ../../packages/core/src/runtime/pool.ts
async function settleAll(items, width, fn) {
  const run2 = { settled: items.map((item) => ({ item, result: "not-run" })) };
  let next = 0;
  const worker = async () => {
    while (run2.firstError === void 0 && next < items.length) {
      const i = next++;
      const item = items[i];
      try {
        await fn(item);
        run2.settled[i] = { item, result: "done" };
      } catch (error2) {
        run2.firstError ??= { error: error2 };
        run2.settled[i] = { item, result: "failed", error: error2 };
      }
    }
  };
  const workers = Math.max(1, Math.min(width, items.length));
  const first = worker();
  if (workers > 1) await new Promise((r) => setImmediate(r));
  await Promise.all([first, ...Array.from({ length: workers - 1 }, worker)]);
  return run2;
}

// ../../packages/core/src/runtime/plan.ts
function assertNoConflicts(plan, hint = "") {
  const conflicts = plan.operations.filter((op) => op.action === "conflict");
  if (conflicts.length === 0) return;
  const shown = conflicts.slice(0, 5).map((op) => `${op.target}${op.reason ? ` (${op.reason})` : ""}`).join("; ");
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : "";
  throw new ConfigurationError(
    `${conflicts.length} conflict(s), nothing was changed: ${shown}${more}${hint ? `. ${hint}` : ""}`
  );
}
function outcomeOf(op, result, extra = {}) {
  const { id, kind, target, action, reason, bytes } = op;
  return { id, kind, target, action, reason, bytes, result, ...extra };
}
async function applyPlan(plan, execute, opts) {
  const outcomes = [];
  const record = (o) => {
    outcomes.push(o);
    opts.onOutcome?.(o);
  };
  if (opts.dryRun) {
    for (const op of plan.operations) record(outcomeOf(op, op.action === "skip" ? "skipped" : "planned"));
    return outcomes;
  }
  assertNoConflicts(plan);
  const pending = plan.operations.filter((op) => op.action === "create" || op.action === "update");
  for (const op of plan.operations) if (op.action === "skip") record(outcomeOf(op, "skipped"));
  const { settled, firstError } = await settleAll(pending, opts.concurrency ?? 1, async (op) => {
    try {
      const verified = await execute(op) ?? void 0;
      record(outcomeOf(op, "done", verified ? { verified } : {}));
    } catch (e) {
      record(outcomeOf(op, "failed", { error: e instanceof Error ? e.message : String(e) }));
      throw e;
    }
  });
  for (const s of settled) if (s.result === "not-run") record(outcomeOf(s.item, "not-run"));
  if (firstError) throw firstError.error;
  return outcomes;
}

// ../../packages/core/src/runtime/receipt.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname as dirname3, join as join3 } from "node:path";
function cellText(c) {
  return typeof c === "object" ? c.text : String(c);
}
var Receipt = class {
  constructor(action) {
    this.action = action;
  }
  action;
  startedAt = (/* @__PURE__ */ new Date()).toISOString();
  finishedAt;
  status = "running";
  dryRun;
  error;
  plan;
  outcomes = [];
  outputs = {};
  tables = [];
  notes = [];
  setPlan(plan, dryRun) {
    this.plan = plan;
    this.dryRun = dryRun;
  }
  addOutcome(outcome) {
    this.outcomes.push(outcome);
  }
  setOutput(name, value) {
    this.outputs[name] = String(value);
    setOutput(name, String(value));
  }
  addTable(title, header, rows) {
    this.tables.push({ title, header, rows });
  }
  note(text) {
    this.notes.push(text);
    info(text);
  }
  toJSON() {
    return {
      action: this.action,
      status: this.status,
      dryRun: this.dryRun,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
      outputs: this.outputs,
      notes: this.notes,
      tables: this.tables,
      plan: this.plan,
      outcomes: this.outcomes
    };
  }
};
function receiptPath(action, now = /* @__PURE__ */ new Date()) {
  const dir = process.env["RELEASE_ACTIONS_REPORT_DIR"] || join3(process.env["RUNNER_TEMP"] || tmpdir(), "release-actions");
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return join3(dir, `${action}-${stamp}-${process.pid}.json`);
}
function writeReceipt(receipt, path4 = receiptPath(receipt.action)) {
  mkdirSync(dirname3(path4), { recursive: true });
  writeFileSync(path4, JSON.stringify(receipt, null, 2) + "\n");
  return path4;
}

// ../../packages/core/src/runtime/render.ts
import { appendFileSync as appendFileSync2 } from "node:fs";

// ../../packages/core/src/runtime/html.ts
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// ../../packages/core/src/runtime/render.ts
var MAX_ROWS = 300;
function textTable(header, rows, maxRows = MAX_ROWS) {
  const shown = rows.slice(0, maxRows).map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`... and ${rows.length - maxRows} more rows (see the report)`);
  return out.join("\n");
}
function planRows(plan, outcomes) {
  const result = new Map(outcomes.map((o) => [o.id, o]));
  return plan.operations.map((op) => {
    const o = result.get(op.id);
    return [op.action, op.kind, op.target, o?.result ?? "planned", o?.error ?? op.reason ?? ""];
  });
}
var PLAN_HEADER = ["action", "kind", "target", "result", "detail"];
function planSummaryLine(plan) {
  const counts = /* @__PURE__ */ new Map();
  for (const op of plan.operations) counts.set(op.action, (counts.get(op.action) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return `${plan.action}: ${plan.operations.length} operation(s)${parts.length ? ` (${parts.join(", ")})` : ""}`;
}
function logPlan(plan, dryRun) {
  info(`${dryRun ? "DRY RUN: nothing will be changed. " : ""}${planSummaryLine(plan)}`);
  const rows = plan.operations.map((op) => [op.action, op.kind, op.target, op.reason ?? ""]);
  if (rows.length > 0) info(textTable(["action", "kind", "target", "detail"], rows, 100));
}
function logTable(t) {
  info(`
${t.title}
${textTable(t.header, t.rows)}`);
}
async function writeSummary(receipt, reportPath) {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  const s = summary;
  const verdict = receipt.status === "success" ? "succeeded" : "failed";
  s.addHeading(escapeHtml(`${receipt.action}${receipt.dryRun ? " (dry run)" : ""}: ${verdict}`), 2);
  if (receipt.error) s.addCodeBlock(escapeHtml(receipt.error));
  if (receipt.plan) s.addRaw(`<p>${escapeHtml(planSummaryLine(receipt.plan))}</p>`, true);
  for (const t of receipt.tables) {
    s.addHeading(escapeHtml(t.title), 3);
    s.addTable([
      t.header.map((h) => ({ data: escapeHtml(h), header: true })),
      ...cap(t.rows).map((r) => r.map(cellHtml))
    ]);
    if (t.rows.length > MAX_ROWS) s.addRaw(`<p>... and ${t.rows.length - MAX_ROWS} more rows</p>`, true);
  }
  if (receipt.plan && receipt.plan.operations.length > 0) {
    const rows = planRows(receipt.plan, receipt.outcomes);
    s.addHeading("Operations", 3);
    s.addTable([
      PLAN_HEADER.map((h) => ({ data: h, header: true })),
      ...cap(rows).map((r) => r.map((c) => escapeHtml(String(c))))
    ]);
    if (rows.length > MAX_ROWS) s.addRaw(`<p>... and ${rows.length - MAX_ROWS} more operations</p>`, true);
  }
  for (const n of receipt.notes) s.addRaw(`<p>${escapeHtml(n)}</p>`, true);
  s.addRaw(`<p>Receipt: <code>${escapeHtml(reportPath)}</code></p>`, true);
  appendFileSync2(process.env["GITHUB_STEP_SUMMARY"], s.stringify());
  s.emptyBuffer();
}
function cap(rows) {
  return rows.slice(0, MAX_ROWS);
}
function cellHtml(c) {
  if (typeof c !== "object") return escapeHtml(String(c));
  if (!/^https?:\/\//i.test(c.href)) return escapeHtml(c.text);
  return `<a href="${escapeHtml(c.href).replace(/"/g, "&quot;")}">${escapeHtml(c.text)}</a>`;
}

// ../../packages/core/src/runtime/run.ts
async function run(action, main2) {
  const receipt = new Receipt(action);
  try {
    await main2(receipt);
    receipt.status = "success";
  } catch (e) {
    receipt.status = "failure";
    receipt.error = e instanceof Error ? e.message : String(e);
    if (!isConfigurationError(e) && e instanceof Error && e.stack) info(e.stack);
    setFailed(receipt.error);
  } finally {
    receipt.finishedAt = (/* @__PURE__ */ new Date()).toISOString();
    const path4 = writeReceipt(receipt);
    setOutput("report", path4);
    receipt.outputs["report"] = path4;
    for (const t of receipt.tables) logTable(t);
    try {
      await writeSummary(receipt, path4);
    } catch (e) {
      warning(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return receipt;
}
async function executePlan(receipt, plan, execute, opts) {
  receipt.setPlan(plan, opts.dryRun);
  logPlan(plan, opts.dryRun);
  return applyPlan(plan, execute, { ...opts, onOutcome: (o) => receipt.addOutcome(o) });
}

// src/main.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join5 } from "node:path";

// ../../packages/core/src/git/runner.ts
import { existsSync as existsSync2, mkdirSync as mkdirSync2 } from "node:fs";
import { join as join4 } from "node:path";

// ../../packages/core/src/runtime/glob.ts
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else {
        re += ".*";
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
function isGlob(pattern) {
  return /[*?]/.test(pattern);
}

// ../../packages/core/src/git/remote.ts
function githubServerUrl(env = process.env) {
  return (env["GITHUB_SERVER_URL"] || "https://github.com").replace(/\/+$/, "");
}
function githubRemoteUrl(repository, env = process.env) {
  if (repository === "")
    throw new ConfigurationError('input "remote-url" is empty and there is no "repository" to derive it from');
  return `${githubServerUrl(env)}/${repository}.git`;
}
function githubServerOrigins(apiUrl = "", env = process.env) {
  const origins = [originOf(githubServerUrl(env))];
  if (apiUrl.trim() !== "") origins.push(originOf(serverOfApiUrl(apiUrl.trim())));
  return [...new Set(origins.filter((o) => o !== ""))];
}
function serverOfApiUrl(apiUrl) {
  let url;
  try {
    url = new URL(apiUrl);
  } catch {
    return "";
  }
  if (url.hostname === "api.github.com") return "https://github.com";
  if (url.hostname.startsWith("api.") && url.hostname.endsWith(".ghe.com")) return `https://${url.hostname.slice(4)}`;
  return url.origin;
}
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || /^127\./.test(hostname);
}
function tokenRefusal(url, servers) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return "it is not a URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return `${parsed.protocol} is not https`;
  if (!servers.includes(parsed.origin)) return `${parsed.origin} is not the GitHub server (${servers.join(", ")})`;
  if (parsed.protocol === "http:" && !isLoopback(parsed.hostname)) return "plain http would expose it";
  return void 0;
}

// ../../packages/core/src/git/runner.ts
var GitError = class extends Error {
  constructor(args, exitCode, stderr, stdout) {
    const detail = (stderr.trim() || stdout.trim()).split("\n").slice(-6).join(" | ");
    super(`git ${describeArgs(args)} failed (exit ${exitCode}): ${detail || "no output"}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
  }
  args;
  exitCode;
  stderr;
  stdout;
  name = "GitError";
};
function describeArgs(args) {
  const shown = args.slice(0, 8).join(" ");
  return args.length > 8 ? `${shown} ... (${args.length} arguments)` : shown;
}
function parseIdentity(text) {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+|[^<>\s]+)>\s*$/.exec(text);
  if (!m || m[1] === "") return void 0;
  return { name: m[1], email: m[2] };
}
function configEnv(config, base = process.env) {
  if (config.length === 0) return {};
  const start = Number.parseInt(base["GIT_CONFIG_COUNT"] ?? "0", 10) || 0;
  const env = { GIT_CONFIG_COUNT: String(start + config.length) };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = key;
    env[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return env;
}
function authConfig(url, token, servers = githubServerOrigins()) {
  if (!token) return [];
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return [];
  const refusal = tokenRefusal(url, servers);
  if (refusal !== void 0) {
    info(`github-token is not sent to ${parsed.origin}: ${refusal}`);
    return [];
  }
  const basic = Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
  setSecret(token);
  setSecret(basic);
  return [[`http.${parsed.protocol}//${parsed.host}/.extraheader`, `AUTHORIZATION: basic ${basic}`]];
}
var Git = class _Git {
  cwd;
  env;
  gitPath;
  constructor(opts = {}) {
    this.cwd = opts.cwd;
    this.gitPath = opts.gitPath ?? "git";
    this.env = {
      // A missing credential must fail, not wait for a password nobody will type.
      GIT_TERMINAL_PROMPT: "0",
      GCM_INTERACTIVE: "never",
      ...opts.env,
      ...configEnv(opts.config ?? [], { ...process.env, ...opts.env })
    };
  }
  /** The same settings in another directory. */
  in(cwd) {
    const copy = Object.create(_Git.prototype);
    Object.assign(copy, this, { cwd });
    return copy;
  }
  async run(args, opts = {}) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== void 0) env[k] = v;
    Object.assign(env, this.env, opts.env);
    debug(`git ${describeArgs(args)}${this.cwd ? ` (in ${this.cwd})` : ""}`);
    const out = [];
    const err = [];
    const exitCode = await exec(this.gitPath, args, {
      cwd: this.cwd,
      env,
      silent: true,
      ignoreReturnCode: true,
      input: opts.input,
      listeners: { stdout: (d) => out.push(d), stderr: (d) => err.push(d) }
    });
    const stdoutBytes = Buffer.concat(out);
    const result = {
      exitCode,
      stdoutBytes,
      stdout: stdoutBytes.toString("utf8"),
      stderr: Buffer.concat(err).toString("utf8")
    };
    const ok = exitCode === 0 || (opts.okCodes ?? []).includes(exitCode);
    if (!ok) throw new GitError(args, exitCode, result.stderr, result.stdout);
    return result;
  }
  /** Standard output with the trailing newline removed. */
  async out(args, opts = {}) {
    return (await this.run(args, opts)).stdout.replace(/\n$/, "");
  }
  /** `git init` in `cwd` (created if needed), with a fixed initial branch so output never depends on the host's config. */
  async init(opts = {}) {
    if (this.cwd) mkdirSync2(this.cwd, { recursive: true });
    await this.run(["init", "-q", ...opts.bare ? ["--bare"] : [], "--initial-branch=main"]);
  }
  /**
   * Refs on a remote matching the given full ref names or patterns, as ref -> sha. Annotated tags also
   * appear peeled as `refs/tags/x^{}` -> commit sha. Only exact matches of non-glob patterns are kept
   * (git itself matches patterns by their tail, so `refs/heads/x` would also match `refs/heads/a/refs/heads/x`).
   */
  async lsRemote(url, patterns) {
    const peeled = patterns.filter((p) => p.startsWith("refs/tags/") && !isGlob(p)).map((p) => `${p}^{}`);
    const stdout = await this.out(["ls-remote", "--", url, ...patterns, ...peeled]);
    const refs = /* @__PURE__ */ new Map();
    const exact = patterns.filter((p) => !isGlob(p));
    const globs = patterns.filter(isGlob).map(globToRegExp);
    for (const line of stdout.split("\n")) {
      const [sha, ref] = line.split("	");
      if (!sha || !ref) continue;
      const bare = ref.replace(/\^\{\}$/, "");
      if (patterns.length === 0 || exact.includes(bare) || globs.some((g) => g.test(bare))) refs.set(ref, sha);
    }
    return refs;
  }
  /** The branch a remote's HEAD points at (its default branch), or undefined if it does not say. */
  async remoteDefaultBranch(url) {
    const stdout = await this.out(["ls-remote", "--symref", "--", url, "HEAD"]);
    const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(stdout);
    return m?.[1];
  }
  /**
   * Makes `cwd` a repository holding just `revs` (shas or ref names) from `url`: `git init` and one
   * shallow fetch with a partial clone filter (`blob:none` by default: commits and trees only; blobs
   * come on demand, e.g. for the files a sparse checkout materialises). The URL is recorded as remote
   * `origin` because git lazily fetches missing objects from the promisor remote.
   */
  async partialFetch(url, revs, opts = {}) {
    if (!this.cwd) throw new Error("partialFetch needs a working directory");
    if (!existsSync2(join4(this.cwd, ".git"))) {
      await this.init();
      await this.run(["remote", "add", "origin", url]);
    }
    return this.fetch(revs, opts);
  }
  /** One more fetch from `origin` into the partial clone made by `partialFetch`. */
  async fetch(revs, opts = {}) {
    const depth = opts.depth ?? 1;
    const deepen = opts.unshallow ? ["--unshallow"] : depth > 0 ? [`--depth=${depth}`] : [];
    const result = await this.run([
      "-c",
      "protocol.version=2",
      "fetch",
      "-q",
      "--no-tags",
      "--no-write-fetch-head",
      ...deepen,
      `--filter=${opts.filter ?? "blob:none"}`,
      "origin",
      ...revs
    ]);
    if (/filtering not recognized by server/.test(result.stderr)) {
      warning("the git server ignored the partial clone filter, so the fetch downloaded file contents too");
    }
    return result;
  }
  /**
   * Sparse checkout (non-cone: gitignore-style patterns such as `/.github/workflows/*.yml`) of `rev`,
   * so only the matching files' blobs are fetched and written. Detached HEAD at `rev`.
   */
  async sparseCheckout(rev, patterns) {
    await this.run(["sparse-checkout", "set", "--no-cone", "--stdin"], {
      input: Buffer.from(patterns.join("\n") + "\n")
    });
    await this.run(["-c", "advice.detachedHead=false", "checkout", "-q", "--detach", rev]);
  }
  /** Paths under the sparse checkout that differ from HEAD (modified, added or deleted). */
  async changedPaths() {
    await this.run(["add", "--sparse", "-A", "--", "."]);
    const out = await this.out(["diff", "--cached", "--name-only", "-z"]);
    return out.split("\0").filter((p) => p !== "");
  }
  /** Commits the staged changes with the given identity for both author and committer; returns the new sha. */
  async commit(message, identity, opts = {}) {
    const env = {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email
    };
    if (opts.date) Object.assign(env, { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date });
    await this.run(["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-F", "-"], {
      input: Buffer.from(message.endsWith("\n") ? message : message + "\n"),
      env
    });
    return this.revParse("HEAD");
  }
  /**
   * Pushes refspecs (`<sha>:refs/heads/x`) to `url`, all or nothing (`--atomic`). Never forced: a
   * refspec with a leading `+` is rejected here. `createOnly` refs must not exist on the remote when the
   * push lands (a lease on "absent"), so a branch someone else created since planning is never moved.
   * `lease` replaces a ref only if it still holds the expected object: the one way to move a tag,
   * used only when the caller was explicitly asked to.
   */
  async push(url, refspecs, opts = {}) {
    for (const spec of refspecs) if (spec.startsWith("+")) throw new Error(`refusing to force-push ${spec}`);
    return this.run([
      // Tell the server which commits we have, so a shallow clone whose commits the remote's
      // advertised tips no longer reach still sends only the new objects. Callers that know the
      // remote still advertises their base skip this round trip.
      "-c",
      `push.negotiate=${opts.negotiate ?? true}`,
      "push",
      "--atomic",
      "--porcelain",
      ...(opts.createOnly ?? []).map((ref) => `--force-with-lease=${ref}:`),
      ...(opts.lease ?? []).map(([ref, expected]) => `--force-with-lease=${ref}:${expected}`),
      "--",
      url,
      ...refspecs
    ]);
  }
  async revParse(rev) {
    return this.out(["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
  }
  /** The best common ancestor of two commits, or undefined when they share no history. */
  async mergeBase(a, b) {
    const r = await this.run(["merge-base", a, b], { okCodes: [1] });
    return r.exitCode === 0 ? r.stdout.trim() : void 0;
  }
  /** Number of commits in a range such as `a..b`. */
  async revListCount(range) {
    return Number.parseInt(await this.out(["rev-list", "--count", range]), 10);
  }
  async isShallow() {
    return await this.out(["rev-parse", "--is-shallow-repository"]) === "true";
  }
  /**
   * Files (recursively) under the given paths at `rev`, read from trees alone: in a blobless clone this
   * lists files whose contents have not been fetched.
   */
  async listTree(rev, paths) {
    if (paths.length === 0) return [];
    const out = await this.out(["ls-tree", "-r", "-z", "--full-tree", rev, "--", ...paths]);
    return out.split("\0").filter((l) => l !== "").map(parseTreeLine);
  }
  /**
   * Fetches objects by id from `origin` in one request, as git's own lazy fetch does, so a partial
   * clone gets the few blobs it needs without one round trip per file.
   */
  async fetchObjects(oids) {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return;
    await this.run(
      [
        "-c",
        "fetch.negotiationAlgorithm=noop",
        "fetch",
        "-q",
        "--no-tags",
        "--no-write-fetch-head",
        "--recurse-submodules=no",
        "--filter=blob:none",
        "--stdin",
        "origin"
      ],
      { input: Buffer.from(unique.join("\n") + "\n") }
    );
  }
  /** Contents of blobs by id, with one `cat-file --batch`. */
  async readBlobs(oids) {
    const unique = [...new Set(oids)];
    const blobs = /* @__PURE__ */ new Map();
    if (unique.length === 0) return blobs;
    const { stdoutBytes: buf } = await this.run(["cat-file", "--batch"], {
      input: Buffer.from(unique.join("\n") + "\n")
    });
    let at = 0;
    while (at < buf.length) {
      const eol = buf.indexOf(10, at);
      const header = buf.subarray(at, eol).toString("utf8").split(" ");
      if (header[1] === "missing" || header.length < 3) throw new Error(`object ${header[0]} is missing`);
      const size = Number(header[2]);
      blobs.set(header[0], buf.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
    return blobs;
  }
  /** Stores a blob; returns its id. */
  async writeBlob(content) {
    return this.out(["hash-object", "-w", "--stdin"], {
      input: Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8")
    });
  }
  /**
   * The tree of `rev` with files written or removed, built with `mktree` along the changed
   * directories only: no checkout, no index, and no other file's contents needed.
   */
  async editTree(rev, changes) {
    const blobs = /* @__PURE__ */ new Map();
    for (const c of changes) blobs.set(c.path, c.content === null ? null : await this.writeBlob(c.content));
    const build = async (tree, edits) => {
      const entries = /* @__PURE__ */ new Map();
      if (tree) {
        const out = await this.out(["ls-tree", "-z", tree]);
        for (const line of out.split("\0").filter((l) => l !== "")) {
          const e = parseTreeLine(line);
          entries.set(e.path, e);
        }
      }
      const subdirs = /* @__PURE__ */ new Map();
      for (const [path4, oid] of edits) {
        const slash = path4.indexOf("/");
        if (slash < 0) {
          const old = entries.get(path4);
          if (old && old.type !== "blob") throw new Error(`cannot replace directory ${path4} with a file`);
          if (oid === null) entries.delete(path4);
          else entries.set(path4, { mode: old?.mode ?? "100644", type: "blob", oid, path: path4 });
        } else {
          const dir = path4.slice(0, slash);
          if (!subdirs.has(dir)) subdirs.set(dir, /* @__PURE__ */ new Map());
          subdirs.get(dir).set(path4.slice(slash + 1), oid);
        }
      }
      for (const [dir, sub] of subdirs) {
        const old = entries.get(dir);
        if (old && old.type !== "tree") throw new Error(`cannot write under ${dir}: it is a file`);
        const oid = await build(old?.oid, sub);
        if (oid === void 0) entries.delete(dir);
        else entries.set(dir, { mode: "040000", type: "tree", oid, path: dir });
      }
      if (entries.size === 0) return void 0;
      const input = [...entries.values()].map((e) => `${e.mode} ${e.type} ${e.oid}	${e.path}\0`).join("");
      return this.out(["mktree", "-z", "--missing"], { input: Buffer.from(input, "utf8") });
    };
    const root = await this.out(["rev-parse", "--verify", "-q", `${rev}^{tree}`]);
    return await build(root, blobs) ?? await this.out(["mktree"], { input: Buffer.alloc(0) });
  }
  /** A commit of `tree` on `parents` with the given identity as author and committer; returns its id. */
  async commitTree(tree, parents, message, identity) {
    return this.out(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], {
      input: Buffer.from(message.endsWith("\n") ? message : message + "\n"),
      env: {
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email
      }
    });
  }
  /** A file's content at a commit, or undefined when the commit has no such file. */
  async readFile(rev, path4) {
    const r = await this.run(["cat-file", "blob", `${rev}:${path4}`], { okCodes: [128] });
    return r.exitCode === 0 ? r.stdout : void 0;
  }
};
function parseTreeLine(line) {
  const tab = line.indexOf("	");
  const [mode, type, oid] = line.slice(0, tab).split(" ");
  return { mode, type, oid, path: line.slice(tab + 1) };
}

// ../../packages/core/src/runtime/inputs.ts
function raw(name) {
  return getInput(name, { trimWhitespace: true });
}
function getString(name) {
  return raw(name);
}
function getRequired(name) {
  const value = raw(name);
  if (value === "") throw new ConfigurationError(`input "${name}" is required`);
  return value;
}
function nonEmpty(name, expected) {
  const value = raw(name);
  if (value === "") throw new ConfigurationError(`input "${name}" is empty; expected ${expected}`);
  return value;
}
var TRUE = /* @__PURE__ */ new Set(["true", "yes", "on", "1"]);
var FALSE = /* @__PURE__ */ new Set(["false", "no", "off", "0"]);
function parseBoolean(name, value) {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigurationError(`input "${name}" must be true or false, got "${value}"`);
}
function getBoolean(name) {
  return parseBoolean(name, nonEmpty(name, "true or false"));
}
var SIZE_UNITS = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
};
function getSecret(name) {
  const value = raw(name);
  if (value !== "") setSecret(value);
  return value;
}

// ../../packages/core/src/release/version.ts
var PEP440 = new RegExp(
  "^\\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
  "i"
);
var PRE_LABELS = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc"
};
var MAX_LENGTH = 256;
function toInt(digits) {
  if (digits === void 0) return void 0;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}
function tryParseVersion(s) {
  if (typeof s !== "string" || s.length > MAX_LENGTH) return void 0;
  const m = PEP440.exec(s);
  if (!m?.groups) return void 0;
  const g = m.groups;
  const epoch = toInt(g.epoch) ?? 0;
  const release = g.release.split(".").map((x) => toInt(x));
  const numbers = [epoch, ...release];
  let pre;
  if (g.pre_l !== void 0) {
    pre = { label: PRE_LABELS[g.pre_l.toLowerCase()], n: toInt(g.pre_n) ?? 0 };
    numbers.push(pre.n);
  }
  let post;
  if (g.post !== void 0) {
    post = toInt(g.post_n1 ?? g.post_n2) ?? 0;
    numbers.push(post);
  }
  let dev;
  if (g.dev !== void 0) {
    dev = toInt(g.dev_n) ?? 0;
    numbers.push(dev);
  }
  if (numbers.some((n) => Number.isNaN(n))) return void 0;
  const local = g.local?.toLowerCase().replace(/[-_]/g, ".");
  return {
    epoch,
    release,
    major: release[0],
    minor: release[1] ?? 0,
    patch: release[2] ?? 0,
    ...pre && { pre },
    ...post !== void 0 && { post },
    ...dev !== void 0 && { dev },
    ...local !== void 0 && { local }
  };
}
function quote(s) {
  return JSON.stringify(s);
}
function finalReleaseProblem(v) {
  if (v.release.length !== 3) return "";
  if (v.epoch !== 0) return "it has an epoch";
  if (v.pre) return "it is a pre-release";
  if (v.dev !== void 0) return "it is a development release";
  if (v.post !== void 0) return "it is a post-release";
  if (v.local !== void 0) return "it has a local label";
  return void 0;
}
function parseReleaseVersion(input, s) {
  const v = tryParseVersion(s);
  if (!v) {
    if (s.trim() === "") {
      throw new ConfigurationError(`input ${quote(input)} is empty; expected MAJOR.MINOR.PATCH such as 2.6.0`);
    }
    throw new ConfigurationError(
      `input ${quote(input)}: ${quote(s)} is not a version; expected MAJOR.MINOR.PATCH such as 2.6.0`
    );
  }
  const problem = finalReleaseProblem(v);
  if (problem === void 0) return v;
  const example = v.release.length <= 3 ? [v.major, v.minor, v.patch].join(".") : v.release.slice(0, 3).join(".");
  const why = problem === "" ? "" : ` (${problem})`;
  throw new ConfigurationError(
    `input ${quote(input)}: ${quote(s.trim())} is not a full release version${why}; expected MAJOR.MINOR.PATCH such as ${example}`
  );
}
function toVersion(v) {
  if (typeof v !== "string") return v;
  const parsed = tryParseVersion(v);
  if (!parsed) throw new ConfigurationError(`${quote(v)} is not a PEP 440 version`);
  return parsed;
}
function publicVersion(v) {
  const x = toVersion(v);
  let s = x.epoch !== 0 ? `${x.epoch}!` : "";
  s += x.release.join(".");
  if (x.pre) s += `${x.pre.label}${x.pre.n}`;
  if (x.post !== void 0) s += `.post${x.post}`;
  if (x.dev !== void 0) s += `.dev${x.dev}`;
  return s;
}
function formatVersion(v) {
  const x = toVersion(v);
  return x.local === void 0 ? publicVersion(x) : `${publicVersion(x)}+${x.local}`;
}
function releaseBranch(v) {
  const x = toVersion(v);
  return `release/${x.major}.${x.minor}`;
}
function finalOf(v, what) {
  const x = toVersion(v);
  if (finalReleaseProblem(x) !== void 0) {
    throw new ConfigurationError(`${what} needs a final MAJOR.MINOR.PATCH version, got ${quote(formatVersion(x))}`);
  }
  return x;
}
function rcTag(v, n) {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigurationError(`a release-candidate number must be a positive integer, got ${n}`);
  }
  return `${finalTag(finalOf(v, "an rc tag"))}-rc${n}`;
}
function finalTag(v) {
  return `v${finalOf(v, "a release tag").release.join(".")}`;
}
var TAG = /^(?:refs\/tags\/)?v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-rc([1-9][0-9]*))?$/;
function parseTag(s) {
  const m = TAG.exec(s.trim());
  if (!m) return void 0;
  const version = tryParseVersion(`${m[1]}.${m[2]}.${m[3]}`);
  if (!version) return void 0;
  if (m[4] === void 0) return { version };
  const rc = Number(m[4]);
  return Number.isSafeInteger(rc) ? { version, rc } : void 0;
}

// src/tagging.ts
function parseRcInput(input, text) {
  const t = text.trim().toLowerCase();
  if (t === "next") return "next";
  if (/^[1-9][0-9]{0,5}$/.test(t)) return Number(t);
  throw new ConfigurationError(
    `input "${input}": "${text}" is not a release-candidate number; expected a positive number such as 3, or next`
  );
}
function tagsOf(refs, version) {
  const out = [];
  for (const [ref, object] of refs) {
    if (!ref.startsWith("refs/tags/") || ref.endsWith("^{}")) continue;
    const name = ref.slice("refs/tags/".length);
    const parsed = parseTag(name);
    if (!parsed || parsed.version.release.join(".") !== version.release.join(".")) continue;
    out.push({ name, rc: parsed.rc, object, commit: refs.get(`${ref}^{}`) ?? object });
  }
  return out.sort((a, b) => (a.rc ?? Infinity) - (b.rc ?? Infinity));
}
async function planTag(git, req) {
  const final = finalTag(req.version);
  const branchRef = `refs/heads/${req.branch}`;
  const refs = await git.lsRemote(req.remoteUrl, [branchRef, `refs/tags/${final}`, `refs/tags/${final}-rc*`]);
  const branchSha = refs.get(branchRef);
  if (!branchSha) throw new ConfigurationError(`input "branch": ${req.branch} does not exist on ${req.remoteUrl}`);
  const all = tagsOf(refs, req.version);
  const candidates = all.filter((t) => t.rc !== void 0);
  const latest = candidates[candidates.length - 1];
  let tag;
  let sha;
  let why;
  if (req.final) {
    tag = final;
    if (req.allowNewCommit) {
      sha = branchSha;
      why = `${req.branch} tip (allow-new-commit)`;
    } else {
      if (!latest) {
        throw new ConfigurationError(
          `no release candidate ${final}-rcN exists on ${req.remoteUrl}; tag one first, or set allow-new-commit to tag ${req.branch} itself`
        );
      }
      sha = latest.commit;
      why = `the commit of the latest release candidate ${latest.name}`;
      if (latest.commit !== branchSha)
        why += ` (${req.branch} has moved past it to ${branchSha.slice(0, 12)}; those commits are not in the release)`;
    }
  } else if (req.rc === "next" && latest && latest.commit === branchSha) {
    tag = latest.name;
    sha = branchSha;
    why = `${req.branch} tip, already tagged by the latest release candidate`;
  } else {
    const n = req.rc === "next" || req.rc === void 0 ? (latest?.rc ?? 0) + 1 : req.rc;
    tag = rcTag(req.version, n);
    sha = branchSha;
    why = `${req.branch} tip`;
  }
  const existing = all.find((t) => t.name === tag);
  const message = tag === final ? `Release ${final}` : `Release candidate ${tag}`;
  const base = { tag, sha, branch: req.branch, branchSha, existing, candidates, message };
  if (!existing) return { ...base, state: "create", detail: `${tag} on ${sha.slice(0, 12)}, ${why}` };
  if (existing.commit === sha) return { ...base, state: "exists", detail: `${tag} already tags ${sha.slice(0, 12)}` };
  if (!req.force) {
    throw new ConfigurationError(
      `${tag} already exists on ${existing.commit.slice(0, 12)}, not on ${sha.slice(0, 12)} (${why}); tags are never moved unless force is set`
    );
  }
  return {
    ...base,
    state: "move",
    detail: `move ${tag} from ${existing.commit.slice(0, 12)} to ${sha.slice(0, 12)} (force), ${why}`
  };
}
async function pushTag(git, url, plan, tagger, workDir) {
  if (plan.state === "exists") return;
  const repo = git.in(workDir);
  const extra = plan.candidates.filter((t) => t.commit === plan.sha).map((t) => `refs/tags/${t.name}:refs/tags/${t.name}`);
  await repo.partialFetch(url, [plan.sha, ...extra], { filter: "tree:0" });
  const env = { GIT_COMMITTER_NAME: tagger.name, GIT_COMMITTER_EMAIL: tagger.email };
  await repo.run(["-c", "tag.gpgSign=false", "tag", "-f", "-a", "-F", "-", plan.tag, plan.sha], {
    env,
    input: Buffer.from(plan.message + "\n")
  });
  const ref = `refs/tags/${plan.tag}`;
  try {
    if (plan.state === "create") await repo.push(url, [`${ref}:${ref}`], { createOnly: [ref] });
    else await repo.push(url, [`${ref}:${ref}`], { lease: [[ref, plan.existing.object]] });
  } catch (e) {
    if (e instanceof GitError && /stale info|already exists/.test(e.stderr)) {
      throw new ConfigurationError(
        `${plan.tag} changed on the remote while planning; nothing was pushed. Run again to see it.`
      );
    }
    throw e;
  }
  const after = await git.lsRemote(url, [ref]);
  const commit = after.get(`${ref}^{}`) ?? after.get(ref);
  if (commit !== plan.sha)
    throw new Error(`pushed ${plan.tag} but the remote has it on ${commit ?? "nothing"} instead of ${plan.sha}`);
}

// src/main.ts
async function main(receipt) {
  const version = parseReleaseVersion("version", getRequired("version"));
  const final = getBoolean("final");
  const rcText = getRequired("rc");
  if (final && rcText.toLowerCase() !== "next")
    throw new ConfigurationError(`input "rc" ("${rcText}") cannot be combined with final: true`);
  const rc = final ? void 0 : parseRcInput("rc", rcText);
  const allowNewCommit = getBoolean("allow-new-commit");
  if (allowNewCommit && !final) throw new ConfigurationError('input "allow-new-commit" only applies with final: true');
  const force = getBoolean("force");
  const dryRun = getBoolean("dry-run");
  const branch = getString("branch") || releaseBranch(version);
  const remoteUrl = getString("remote-url") || githubRemoteUrl(getString("repository"));
  const taggerText = getRequired("tagger");
  const tagger = parseIdentity(taggerText);
  if (!tagger) throw new ConfigurationError(`input "tagger": "${taggerText}" is not "Name <email>"`);
  const git = new Git({ config: authConfig(remoteUrl, getSecret("github-token")) });
  const scratch = mkdtempSync(join5(process.env["RUNNER_TEMP"] || tmpdir2(), "tag-rc-"));
  try {
    const tag = await planTag(git, {
      remoteUrl,
      version,
      rc,
      final,
      allowNewCommit,
      force,
      branch,
      tagger,
      workDir: scratch
    });
    receipt.addTable(
      `Release tags of ${version.release.join(".")} on ${branch} (tip ${tag.branchSha})`,
      ["tag", "commit", "note"],
      [...tag.candidates, ...tag.existing && tag.existing.rc === void 0 ? [tag.existing] : []].map((t) => [
        t.name,
        t.commit,
        t.commit === tag.branchSha ? `tip of ${branch}` : ""
      ])
    );
    const plan = {
      action: "tag-rc",
      operations: [
        {
          id: `tag ${tag.tag}`,
          kind: "create-tag",
          target: `refs/tags/${tag.tag}`,
          action: tag.state === "create" ? "create" : tag.state === "move" ? "update" : "skip",
          reason: tag.detail,
          data: null
        }
      ]
    };
    await executePlan(
      receipt,
      plan,
      async () => {
        await pushTag(git, remoteUrl, tag, tagger, scratch);
        return { sha: tag.sha };
      },
      { dryRun }
    );
    receipt.setOutput("tag", tag.tag);
    receipt.setOutput("sha", tag.sha);
    receipt.setOutput("created", !dryRun && tag.state !== "exists");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// src/index.ts
await run("tag-rc", main);
