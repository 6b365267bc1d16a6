/**
 * A deterministic ZIP archive (PKWARE APPNOTE 6.3.10, the subset every unzip reads: local headers, stored entries,
 * central directory, end record; no extra fields, no data descriptors, no ZIP64): entries sorted by name, every
 * timestamp fixed, fixed attributes, so the same files always give the same bytes and so the same content hash.
 * Entries are stored, not deflated: deflate output may differ between zlib versions (another machine would produce
 * another hash, and so a new object, for the same sources); the packages zipped here are small.
 * Used for the Glue jobs' Python package (`--extra-py-files`), which is uploaded under a key named by that hash.
 */
/** One file of the archive: its path inside the archive (`/`-separated) and its bytes. */
export interface ZipEntry {
    name: string;
    data: Buffer;
}

const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c >>> 0;
    }
    return table;
})();

/** CRC-32 (IEEE 802.3), as ZIP stores it. */
export function crc32(data: Buffer): number {
    let c = 0xffffffff;
    for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00:00, the earliest MS-DOS time ZIP can store: every entry carries it. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** The archive of `entries`, sorted by name; duplicate or unsafe names (absolute, `..`) throw. */
export function deterministicZip(entries: readonly ZipEntry[]): Buffer {
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const seen = new Set<string>();
    for (const e of sorted) {
        if (e.name.startsWith("/") || e.name.split("/").includes("..") || e.name.includes("\\")) {
            throw new Error(`zip entry ${JSON.stringify(e.name)}: expected a relative path with / separators, no ..`);
        }
        if (seen.has(e.name)) throw new Error(`zip entry ${JSON.stringify(e.name)} appears twice`);
        seen.add(e.name);
    }
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const e of sorted) {
        const name = Buffer.from(e.name, "utf8");
        const method = 0; // stored
        const body = e.data;
        const crc = crc32(e.data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(10, 4); // version needed: 1.0 (stored)
        local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
        local.writeUInt16LE(method, 8);
        local.writeUInt16LE(DOS_TIME, 10);
        local.writeUInt16LE(DOS_DATE, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(body.length, 18);
        local.writeUInt32LE(e.data.length, 22);
        local.writeUInt16LE(name.length, 26);
        local.writeUInt16LE(0, 28);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (for the mode bits below)
        central.writeUInt16LE(10, 6);
        central.writeUInt16LE(0x0800, 8);
        central.writeUInt16LE(method, 10);
        central.writeUInt16LE(DOS_TIME, 12);
        central.writeUInt16LE(DOS_DATE, 14);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(body.length, 20);
        central.writeUInt32LE(e.data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt16LE(0, 30); // extra
        central.writeUInt16LE(0, 32); // comment
        central.writeUInt16LE(0, 34); // disk
        central.writeUInt16LE(0, 36); // internal attributes
        central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: regular file, rw-r--r--
        central.writeUInt32LE(offset, 42);
        locals.push(local, name, body);
        centrals.push(central, name);
        offset += local.length + name.length + body.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(sorted.length, 8);
    end.writeUInt16LE(sorted.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    end.writeUInt16LE(0, 20);
    return Buffer.concat([...locals, directory, end]);
}
