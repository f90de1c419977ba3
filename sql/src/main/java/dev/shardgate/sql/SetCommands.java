package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads SET, RESET, SET TRANSACTION and DISCARD into {@link SetCommand}s. */
final class SetCommands {
    /**
     * Settings whose list elements PostgreSQL shows as quoted identifiers where needed
     * ({@code GUC_LIST_QUOTE} in guc.c): {@code SET search_path TO "My Schema", public}.
     */
    private static final Set<String> LIST_QUOTED = Set.of(
            "search_path", "temp_tablespaces", "session_preload_libraries", "shared_preload_libraries",
            "local_preload_libraries");

    private SetCommands() {
    }

    /** A VariableSetStmt. */
    static SetCommand set(Node statement, Constants constants) {
        String kind = statement.string("kind");
        String name = statement.string("name");
        String lowerName = name == null ? null : name.toLowerCase(Locale.ROOT);
        boolean local = statement.flag("is_local");
        SetCommand.Kind setKind = local ? SetCommand.Kind.SET_LOCAL : SetCommand.Kind.SET;
        if (kind == null) {
            return new SetCommand(setKind, lowerName, null);
        }
        return switch (kind) {
            case "VAR_SET_VALUE" -> new SetCommand(setKind, lowerName, values(lowerName, statement.nodes("args"), constants));
            case "VAR_RESET" -> new SetCommand(SetCommand.Kind.RESET, lowerName, null);
            case "VAR_RESET_ALL" -> new SetCommand(SetCommand.Kind.RESET_ALL, null, null);
            case "VAR_SET_MULTI" -> multi(lowerName, statement.nodes("args"), setKind, constants);
            // VAR_SET_DEFAULT and VAR_SET_CURRENT: the value comes from the server, not the statement.
            default -> new SetCommand(setKind, lowerName, null);
        };
    }

    /** A DiscardStmt. */
    static SetCommand discard(Node statement) {
        String target = statement.string("target");
        if (target == null || "DISCARD_ALL".equals(target)) {
            return new SetCommand(SetCommand.Kind.DISCARD_ALL, "all", null);
        }
        return new SetCommand(SetCommand.Kind.DISCARD_OTHER,
                target.substring("DISCARD_".length()).toLowerCase(Locale.ROOT), null);
    }

    /**
     * SET TRANSACTION …, SET TRANSACTION SNAPSHOT … and SET SESSION CHARACTERISTICS AS TRANSACTION …:
     * the value is the list of modes as they could be written again after the command's keywords.
     */
    private static SetCommand multi(String name, List<Node> args, SetCommand.Kind setKind, Constants constants) {
        if ("transaction snapshot".equals(name)) {
            return new SetCommand(SetCommand.Kind.SET_TRANSACTION, name, values(name, args, constants));
        }
        List<String> modes = new ArrayList<>();
        for (Node arg : args) {
            if (arg.is("DefElem")) {
                modes.add(transactionMode(arg.string("defname"), text(arg.node("arg"), false, constants)));
            }
        }
        SetCommand.Kind kind = "transaction".equals(name) ? SetCommand.Kind.SET_TRANSACTION : setKind;
        return new SetCommand(kind, name, String.join(", ", modes));
    }

    private static String transactionMode(String option, String value) {
        boolean on = "1".equals(value) || "true".equals(value) || "on".equals(value);
        return switch (option == null ? "" : option) {
            case "transaction_isolation" -> "isolation level " + value;
            case "transaction_read_only" -> on ? "read only" : "read write";
            case "transaction_deferrable" -> on ? "deferrable" : "not deferrable";
            default -> option + " " + value;
        };
    }

    private static String values(String name, List<Node> args, Constants constants) {
        boolean quote = name != null && LIST_QUOTED.contains(name);
        List<String> parts = new ArrayList<>(args.size());
        for (Node arg : args) {
            String text = text(arg, quote, constants);
            if (text != null) {
                parts.add(text);
            }
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static String text(Node arg, boolean quoteIdentifier, Constants constants) {
        Value value = constants.valueOf(arg);
        if (value instanceof Value.Literal literal && literal.text() != null) {
            return quoteIdentifier && literal.kind() == LiteralKind.STRING ? quoteIdentifier(literal.text()) : literal.text();
        }
        return null;
    }

    /** PostgreSQL's quote_identifier, less its check for keywords. */
    static String quoteIdentifier(String identifier) {
        boolean plain = !identifier.isEmpty()
                && (Character.isLowerCase(identifier.charAt(0)) || identifier.charAt(0) == '_');
        for (int i = 0; plain && i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        return plain ? identifier : Identifiers.quoted(identifier);
    }
}
