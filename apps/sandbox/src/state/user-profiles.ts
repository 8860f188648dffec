/**
 * How a simulated user behaves. Everything is optional; an unknown user follows the account,
 * accepts every template and has every message delivered.
 */
export interface UserProfile {
  /** Restrict the profile to one app; absent = every app. */
  appid?: string;
  /** The openid. */
  touser: string;
  /**
   * Final status pushed in `TEMPLATESENDJOBFINISH` (and mapped onto `subscribe_msg_sent_event`):
   * `success`, `failed:user block`, `failed: system failed`, or any other string.
   * @defaultValue 'success'
   */
  deliveryStatus?: string;
  /** Templates the user refused from the message's "…" menu: template sends answer 43101. */
  refusedTemplates?: string[];
  /** False when the user unfollowed the account: template sends answer 43004. @defaultValue true */
  following?: boolean;
}

/** Profiles by openid, with an optional app-specific override. */
export class UserProfiles {
  private readonly profiles = new Map<string, UserProfile>();

  /** Sets (replaces) a profile. */
  set(profile: UserProfile): UserProfile {
    const stored = {
      ...profile,
      refusedTemplates: profile.refusedTemplates && [...profile.refusedTemplates],
    };
    this.profiles.set(this.key(profile.appid, profile.touser), stored);
    return { ...stored };
  }

  /** The profile for this app and user: the app-specific one first, then the any-app one. */
  get(appid: string, touser: string): UserProfile | undefined {
    return (
      this.profiles.get(this.key(appid, touser)) ?? this.profiles.get(this.key(undefined, touser))
    );
  }

  /** Every profile. */
  list(): UserProfile[] {
    return [...this.profiles.values()].map((p) => ({ ...p }));
  }

  /** Forgets every profile. */
  clear(): void {
    this.profiles.clear();
  }

  private key(appid: string | undefined, touser: string): string {
    return `${appid ?? '*'}\u0000${touser}`;
  }
}
