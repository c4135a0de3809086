/** Groups as the admin page sees them. */
export interface GroupView {
  id: string;
  name: string;
  memberCount: number;
}

export interface GroupMemberView {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
}
