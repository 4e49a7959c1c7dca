// Versionless Key Vault secret URIs: what a DatabaseSchema reads its password from, so it follows rotation.
/** Versionless Key Vault secret URI: https://<vault>.vault.azure.net/secrets/<name> (a version would pin it). */
export const VERSIONLESS_SECRET_URI = /^https:\/\/([a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9])\.vault\.azure\.net\/secrets\/([0-9a-zA-Z-]{1,127})\/?$/;

export function parseSecretUri(uri: string): { vaultUrl: string; name: string } {
  const m = VERSIONLESS_SECRET_URI.exec(uri);
  if (!m) throw new Error(`DatabaseSchema: passwordSecretUri ${JSON.stringify(uri)} is not a versionless Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>)`);
  return { vaultUrl: `https://${m[1]}.vault.azure.net`, name: m[2] };
}
