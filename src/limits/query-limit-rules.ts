import {
  ASTVisitor, FieldNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode, ValidationContext,
  ValidationRule,
} from "graphql";
import { QueryLimitReason, queryLimitError } from "../errors/query-limit.error";

/** Every limit on the shape of a document; the defaults are in src/config.ts and README. */
export interface QueryLimits {
  /** Nesting of fields, fragments expanded; `ofType` chains of introspection do not count. */
  readonly maxDepth: number;
  /** Aliased fields per operation, fragments counted at every spread. */
  readonly maxAliases: number;
  /** Directives on one field, fragment spread or inline fragment. */
  readonly maxDirectivesPerField: number;
  /** How often one response key may be selected in one selection set (graphql-cop field duplication). */
  readonly maxFieldRepeats: number;
  /** Lexical tokens per document, enforced by the parser. */
  readonly maxTokens: number;
  /** Estimated fields resolved per operation; a paged list multiplies its subtree by `first`. */
  readonly maxCost: number;
}

interface Measure {
  depth: number;
  aliases: number;
}

/**
 * Measures depth and aliases of a selection set, expanding fragments. Fragments are memoized,
 * so a "fragment bomb" (each fragment spreading the next twice) costs linear work; a cycle
 * (reported by graphql-js's own NoFragmentCycles rule) measures as empty here.
 */
class DocumentMeasurer {
  private readonly fragments = new Map<string, Measure>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  selectionSet(selectionSet: SelectionSetNode | undefined): Measure {
    if (!selectionSet) return { depth: 0, aliases: 0 };
    let depth = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const below = this.selectionSet(selection.selectionSet);
        // `__Type.ofType` chains describe one type (non-null of list of ...), not nesting of data.
        const adds = selection.name.value === "ofType" ? 0 : 1;
        inner = { depth: below.depth + adds, aliases: below.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.selectionSet(selection.selectionSet);
      } else {
        inner = this.fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  }

  private fragment(name: string): Measure {
    const known = this.fragments.get(name);
    if (known) return known;
    const definition: FragmentDefinitionNode | null | undefined = this.context.getFragment(name);
    if (!definition || this.inProgress.has(name)) return { depth: 0, aliases: 0 };
    this.inProgress.add(name);
    const measured = this.selectionSet(definition.selectionSet);
    this.inProgress.delete(name);
    this.fragments.set(name, measured);
    return measured;
  }
}

function operationLimits(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const measurer = new DocumentMeasurer(context);
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const measured = measurer.selectionSet(node.selectionSet);
        if (measured.depth > limits.maxDepth) {
          context.reportError(queryLimitError(QueryLimitReason.MAX_DEPTH, limits.maxDepth,
            `Query depth ${measured.depth} exceeds the limit of ${limits.maxDepth}`, [node]));
        }
        if (measured.aliases > limits.maxAliases) {
          context.reportError(queryLimitError(QueryLimitReason.MAX_ALIASES, limits.maxAliases,
            `The operation uses ${measured.aliases} aliases; the limit is ${limits.maxAliases}`, [node]));
        }
        return false;
      },
    };
  };
}

function directiveLimit(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const check = (node: FieldNode | { directives?: readonly unknown[]; kind: Kind }) => {
      const count = node.directives?.length ?? 0;
      if (count > limits.maxDirectivesPerField) {
        context.reportError(queryLimitError(QueryLimitReason.MAX_DIRECTIVES, limits.maxDirectivesPerField,
          `${count} directives on one selection; the limit is ${limits.maxDirectivesPerField}`));
      }
    };
    return { Field: check, FragmentSpread: check, InlineFragment: check };
  };
}

/** Counts response keys in one selection set, through inline fragments and (each once) spreads. */
function responseKeyCounts(context: ValidationContext, selectionSet: SelectionSetNode, counts: Map<string, number>, seen: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      responseKeyCounts(context, selection.selectionSet, counts, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) responseKeyCounts(context, fragment.selectionSet, counts, seen);
    }
  }
}

function fieldRepeatLimit(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    SelectionSet(node: SelectionSetNode) {
      const counts = new Map<string, number>();
      responseKeyCounts(context, node, counts, new Set());
      const most = Math.max(0, ...counts.values());
      if (most > limits.maxFieldRepeats) {
        context.reportError(queryLimitError(QueryLimitReason.MAX_FIELD_REPEATS, limits.maxFieldRepeats,
          `A field is selected ${most} times in one selection set; the limit is ${limits.maxFieldRepeats}`));
        return false;
      }
      return undefined;
    },
  });
}

/** Validation rules run with graphql-js's own, before any resolver or database call. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [operationLimits(limits), directiveLimit(limits), fieldRepeatLimit(limits)];
}
