export async function main(): Promise<void> {
  throw new Error('--day is not available yet');
}
