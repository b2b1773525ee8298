export async function main(): Promise<void> {
  throw new Error('--capacity is not available yet');
}
