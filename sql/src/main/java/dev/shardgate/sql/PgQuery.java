package dev.shardgate.sql;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL's own raw parser, from libpg_query (Debian package {@code libpg-query-dev}), bound by
 * hand through the FFM API: {@code pg_query_parse} and {@code pg_query_free_parse_result}, both of
 * which take or return {@code PgQueryParseResult} by value.
 *
 * <p>libpg_query keeps its memory contexts in thread-local storage, so concurrent calls from
 * different threads are safe; see {@link ParserThreads} for why calls still run on threads of
 * our own.
 */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM is started with --enable-native-access
final class PgQuery {
    static final String ENV_LIBRARY = "SHARDGATE_LIBPG_QUERY";
    static final String INSTALL_HINT = "apt-get install libpg-query-dev";

    /** {@code typedef struct { char* parse_tree; char* stderr_buffer; PgQueryError* error; }}. */
    private static final StructLayout PARSE_RESULT = MemoryLayout.structLayout(
            ADDRESS.withName("parse_tree"), ADDRESS.withName("stderr_buffer"), ADDRESS.withName("error"));

    /** {@code typedef struct { char* message; char* funcname; char* filename; int lineno; int cursorpos; char* context; }}. */
    private static final StructLayout ERROR = MemoryLayout.structLayout(
            ADDRESS.withName("message"), ADDRESS.withName("funcname"), ADDRESS.withName("filename"),
            JAVA_INT.withName("lineno"), JAVA_INT.withName("cursorpos"), ADDRESS.withName("context"));

    private static final long TREE_OFFSET = PARSE_RESULT.byteOffset(PathElement.groupElement("parse_tree"));
    private static final long ERROR_OFFSET = PARSE_RESULT.byteOffset(PathElement.groupElement("error"));
    private static final long MESSAGE_OFFSET = ERROR.byteOffset(PathElement.groupElement("message"));
    private static final long CURSOR_OFFSET = ERROR.byteOffset(PathElement.groupElement("cursorpos"));

    private static final List<Path> LIBRARY_DIRECTORIES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib"), Path.of("/usr/local/lib"));

    private static PgQuery loaded;

    /** What the parser made of a statement string. */
    sealed interface Outcome {
        /** The parse tree as libpg_query's JSON. */
        record Tree(String json) implements Outcome {}

        /** PostgreSQL's error message and its 1-based cursor position (0 when there is none). */
        record Failure(String message, int cursorPosition) implements Outcome {}
    }

    private final Path library;
    private final MethodHandle parse;
    private final MethodHandle freeResult;

    private PgQuery(Path library) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        SymbolLookup symbols = SymbolLookup.libraryLookup(library, Arena.global());
        this.parse = linker.downcallHandle(symbols.findOrThrow("pg_query_parse"),
                FunctionDescriptor.of(PARSE_RESULT, ADDRESS));
        this.freeResult = linker.downcallHandle(symbols.findOrThrow("pg_query_free_parse_result"),
                FunctionDescriptor.ofVoid(PARSE_RESULT));
    }

    /**
     * The library, loaded once per process.
     *
     * @throws IllegalStateException naming the places searched and the package to install
     */
    static synchronized PgQuery load() {
        if (loaded == null) {
            loaded = new PgQuery(findLibrary(System.getenv(ENV_LIBRARY), LIBRARY_DIRECTORIES));
        }
        return loaded;
    }

    Path library() {
        return library;
    }

    /** Parses NUL-free UTF-8 text. Must run on a thread with a deep stack: see {@link ParserThreads}. */
    Outcome parse(byte[] utf8) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment input = arena.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, input, JAVA_BYTE, 0, utf8.length);
            MemorySegment result = (MemorySegment) parse.invokeExact((SegmentAllocator) arena, input);
            try {
                MemorySegment error = result.get(ADDRESS, ERROR_OFFSET);
                if (error.address() != 0) {
                    error = error.reinterpret(ERROR.byteSize());
                    return new Outcome.Failure(cString(error.get(ADDRESS, MESSAGE_OFFSET)), error.get(JAVA_INT, CURSOR_OFFSET));
                }
                return new Outcome.Tree(cString(result.get(ADDRESS, TREE_OFFSET)));
            } finally {
                freeResult.invokeExact(result);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException("libpg_query call failed", impossible);
        }
    }

    private static String cString(MemorySegment pointer) {
        return pointer.address() == 0 ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /**
     * @param configured the value of {@value #ENV_LIBRARY}, or null
     * @param directories where to look for {@code libpg_query.so} and then {@code libpg_query.so.*}
     */
    static Path findLibrary(String configured, List<Path> directories) {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (Files.isRegularFile(path)) {
                return path;
            }
            throw new IllegalStateException(ENV_LIBRARY + "=" + configured + " is not a file; unset it or point it at "
                    + "libpg_query.so (" + INSTALL_HINT + ")");
        }
        List<Path> searched = new ArrayList<>();
        for (Path directory : directories) {
            Path exact = directory.resolve("libpg_query.so");
            searched.add(exact);
            if (Files.isRegularFile(exact)) {
                return exact;
            }
            Path versioned = versionedLibrary(directory);
            if (versioned != null) {
                return versioned;
            }
        }
        throw new IllegalStateException("libpg_query is not installed: looked for " + searched
                + " (and versioned libpg_query.so.*) and $" + ENV_LIBRARY + "; run: " + INSTALL_HINT);
    }

    private static Path versionedLibrary(Path directory) {
        if (!Files.isDirectory(directory)) {
            return null;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith("libpg_query.so."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
