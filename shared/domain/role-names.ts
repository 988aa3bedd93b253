import { builtInRoleIds, builtInRoles } from './roles';

/**
 * When two role names are "the same" (issue 11, item 5): a custom role named `Оwner` (Cyrillic О) or
 * `ADMlN` would pass for a built-in role in every list, dialog and audit entry. Names are compared by their
 * Unicode TR39 skeleton: NFD, default-ignorable code points (zero-width characters, ...) removed, each
 * character replaced by its prototype from Unicode's confusables.txt (the `unhomoglyph` package carries
 * that table, MIT, no dependencies), NFD again.
 *
 * `unhomoglyph` builds one RegExp of its 6,000 prototypes when loaded (hundreds of milliseconds on a cold
 * Lambda), so it is loaded on first use, by the requests that create or rename a role, and not at the
 * init of every function that bundles this module.
 */
let replacePrototypes: Promise<(text: string) => string> | undefined;
const prototypes = () => {
  replacePrototypes ??= import('unhomoglyph').then((module) => module.default);
  return replacePrototypes;
};

export async function skeleton(text: string): Promise<string> {
  const replace = await prototypes();
  return replace(text.normalize('NFD').replace(/\p{Default_Ignorable_Code_Point}/gu, '')).normalize('NFD');
}

/**
 * The key that makes custom role names unique in a tenant: names with the same key are refused as
 * duplicates. Case-insensitive (lower-cased before the skeleton, so `ADMIN` and `admin` agree) and
 * confusable-insensitive (the skeleton, lower-cased again because prototypes can be capitals: `0` is `O`).
 */
export async function roleNameKey(name: string): Promise<string> {
  return (await skeleton(name.trim().toLowerCase())).toLowerCase();
}

/**
 * The built-in names as keys, plus the skeletons of the forms they are shown in (`Admin`, `ADMIN`,
 * `admin`): lower-casing first loses the capital I that looks like l, so `ADMlN` is caught as typed.
 */
let builtInLookalikes: Promise<Map<string, string>> | undefined;
const lookalikesOfBuiltIns = () => {
  builtInLookalikes ??= Promise.all(
    builtInRoleIds.flatMap((id) => {
      const name = builtInRoles[id].name;
      return [roleNameKey(name), skeleton(name), skeleton(name.toUpperCase()), skeleton(name.toLowerCase())].map(
        async (form) => [await form, name] as const,
      );
    }),
  ).then((entries) => new Map(entries));
  return builtInLookalikes;
};

/** The built-in role name that `name` is, or looks like (any case, TR39 skeleton); undefined if none. */
export async function builtInRoleNameLike(name: string): Promise<string | undefined> {
  const lookalikes = await lookalikesOfBuiltIns();
  return lookalikes.get(await roleNameKey(name)) ?? lookalikes.get(await skeleton(name.trim()));
}
