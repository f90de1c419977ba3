package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An SQL-level {@code PREPARE name …}, {@code EXECUTE name(arguments)} or {@code DEALLOCATE name}:
 * the statement name, and for EXECUTE the arguments, each a constant or null when it is an
 * expression the router does not evaluate.
 *
 * @param name the statement name as PostgreSQL folds it; null for DEALLOCATE ALL
 * @param declaredParameters for PREPARE, how many parameter types it declares (0 when none)
 */
public record PreparedCommand(Kind kind, String name, List<Value> arguments, int declaredParameters) {
    public enum Kind { PREPARE, EXECUTE, DEALLOCATE }

    public PreparedCommand {
        arguments = java.util.Collections.unmodifiableList(new ArrayList<>(arguments));
    }

    public PreparedCommand(Kind kind, String name, List<Value> arguments) {
        this(kind, name, arguments, 0);
    }

    /** The command of a one-statement parse tree, or null when it is none of the three. */
    static PreparedCommand read(Object tree, byte[] utf8) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return null;
        }
        Node statement = Node.of(entry.get("stmt"));
        if (statement == null) {
            return null;
        }
        return switch (statement.type()) {
            case "PrepareStmt" -> new PreparedCommand(Kind.PREPARE, statement.string("name"), List.of(),
                    statement.positional("argtypes").size());
            case "DeallocateStmt" -> new PreparedCommand(Kind.DEALLOCATE, statement.string("name"), List.of());
            case "ExecuteStmt" -> {
                Constants constants = new Constants(utf8);
                List<Value> arguments = new ArrayList<>();
                for (Node parameter : statement.positional("params")) {
                    arguments.add(parameter == null ? null : constants.valueOf(parameter));
                }
                yield new PreparedCommand(Kind.EXECUTE, statement.string("name"), arguments);
            }
            default -> null;
        };
    }
}
