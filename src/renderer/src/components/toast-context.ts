import { createContext, useContext } from "react";

export type ToastKind = "success" | "error" | "info";

export type ShowToast = (message: string, kind?: ToastKind) => void;

export const ToastContext = createContext<ShowToast>(() => undefined);

export function useToast(): ShowToast {
  return useContext(ToastContext);
}
