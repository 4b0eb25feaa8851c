/** What lets every gateway process see the others' changes; StorageChanges polls it. */
export interface ChangeFeed {
  /**
   * A number that grows whenever credentials are added, removed, enabled, disabled or cooled
   * down, or config changes. Other processes poll it to know when to reload.
   */
  changeVersion(): Promise<number>;
}
